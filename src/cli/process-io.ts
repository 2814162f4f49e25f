import type { CliIo } from './types';

/**
 * stdout/stderr as a CliIo that stays quiet on a closed pipe (`claudia-llm eval pairs f | head`):
 * the first EPIPE calls onClosed and drops every later line instead of printing a stack trace.
 */
export function processIo(onStdoutClosed: () => void): CliIo {
  let outOpen = true;
  let errOpen = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    if (!outOpen) return;
    outOpen = false;
    onStdoutClosed();
  });
  process.stderr.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    errOpen = false;
  });
  return {
    out: (line) => void (outOpen && process.stdout.write(line + '\n')),
    err: (line) => void (errOpen && process.stderr.write(line + '\n')),
  };
}
