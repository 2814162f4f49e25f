import type { CommandEntry } from './types';

/**
 * The command table. One line per command; each module exports a `command` (CliCommand).
 * Keep entries sorted by words.
 */
export const COMMANDS: CommandEntry[] = [
];
