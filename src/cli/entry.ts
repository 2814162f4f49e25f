// Process entry of the CLI (bin/claudia-llm.js loads the built copy, or this file under tsx).
process.env.DOTENV_CONFIG_QUIET ??= 'true';
import { main } from './main';
import { processIo } from './process-io';

// A reader that went away (`| head`) ends a short command at once; a running node keeps
// going so it can shut down properly (StopMove) and drops its output.
let keepRunning = false;
const io = processIo(() => {
  if (!keepRunning) process.exit(process.exitCode ?? 0);
});

main(process.argv.slice(2), io, { onCommand: (spec) => (keepRunning = spec.keepsRunningOnClosedPipe === true) }).then(
  (code) => {
    process.exitCode = code;
    // A command has finished: what is still open (a socket a library keeps, a stray timer) must not keep the process alive half-closed.
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (err: unknown) => {
    io.err(`claudia-llm: internal error: ${err instanceof Error && err.stack ? err.stack : String(err)}`);
    process.exitCode = 1;
  },
);
