import type { CliIo } from './types';

/**
 * Write errors that mean the reader has gone: EPIPE for a pipe (`| head`, a launcher that
 * read our output through a pipe), EIO for a pseudo-terminal whose other side was closed (a
 * terminal window, or `ros2 launch` with emulate_tty, that went away).
 */
const READER_GONE = new Set(['EPIPE', 'EIO']);

/**
 * stdout/stderr as a CliIo that stays quiet once its reader has gone (`claudia-llm eval pairs f | head`):
 * the first such error calls onClosed and drops every later line instead of printing a stack trace.
 */
export function processIo(onStdoutClosed: () => void): CliIo {
  let outOpen = true;
  let errOpen = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (!READER_GONE.has(err.code ?? '')) throw err;
    if (!outOpen) return;
    outOpen = false;
    onStdoutClosed();
  });
  process.stderr.on('error', (err: NodeJS.ErrnoException) => {
    if (!READER_GONE.has(err.code ?? '')) throw err;
    errOpen = false;
  });
  return {
    out: (line) => void (outOpen && process.stdout.write(line + '\n')),
    err: (line) => void (errOpen && process.stderr.write(line + '\n')),
  };
}
