// Process entry of the CLI (bin/claudia-llm.js loads the built copy; tests run this file under tsx).
process.env.DOTENV_CONFIG_QUIET ??= 'true';
import { main } from './main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error && err.stack ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
