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
