import { asClaudiaError } from '../util/errors';

/** The CLI's exit codes, the same for every command. */
export const EXIT = {
  /** The command did what was asked. */
  OK: 0,
  /** The request was understood but failed (LLM unreachable, a broken bag, an expectation mismatch). */
  FAILED: 1,
  /** Usage or configuration: a bad flag or value, a missing argument, an invalid params file. */
  USAGE: 2,
} as const;

/**
 * The exit code for an error a command could not handle itself: configuration and input
 * named on the command line are the user's to fix (2), anything else is a failed request (1).
 */
export function exitCodeFor(err: unknown): number {
  const code = asClaudiaError(err).code;
  return code === 'E_CONFIG' || code === 'E_BAD_INPUT' ? EXIT.USAGE : EXIT.FAILED;
}
