import { readFileSync } from 'node:fs';
import { BadInputError } from '../util/errors';

/**
 * Reads a data file named on the command line as UTF-8. An unreadable file is the user's
 * input to fix, so it becomes a BadInputError naming the file, the reason and `hint`
 * (what kind of file to pass).
 */
export function readInputFile(file: string, hint: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new BadInputError(`cannot read ${file}: ${(err as Error).message}; ${hint}`);
  }
}

/** All of a stream as UTF-8 (`claudia-llm query -` reads its text from stdin; any length). */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
