import { COMMANDS } from './commands';
import type { CliIo } from './types';

const stdio: CliIo = {
  out: (line) => void process.stdout.write(line + '\n'),
  err: (line) => void process.stderr.write(line + '\n'),
};

export function usage(): string {
  const lines = ['usage: claudia-llm <command> [options]', '', 'commands:'];
  for (const c of [...COMMANDS].sort((a, b) => a.words.join(' ').localeCompare(b.words.join(' ')))) {
    lines.push(`  ${c.summary}`);
  }
  return lines.join('\n');
}

/** Picks the longest command whose words prefix argv, and runs it with the rest. */
export async function main(argv: string[], io: CliIo = stdio): Promise<number> {
  process.env.DOTENV_CONFIG_QUIET ??= 'true';
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(usage());
    return argv.length === 0 ? 2 : 0;
  }
  const match = COMMANDS.filter((c) => c.words.every((w, i) => argv[i] === w)).sort((a, b) => b.words.length - a.words.length)[0];
  if (!match) {
    io.err(`claudia-llm: unknown command '${argv.slice(0, 2).join(' ')}'\n\n${usage()}`);
    return 2;
  }
  const command = await match.load();
  return command(argv.slice(match.words.length), io);
}
