import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tinyModelGguf } from '../llm/embedded/tiny-model';
import { asClaudiaError } from '../util/errors';
import { EXIT } from './exit-codes';
import type { CliCommandSpec } from './types';

/**
 * `claudia-llm tiny-model <file.gguf>`: writes the project's tiny llama-architecture model
 * (seeded random weights, byte-level BPE vocabulary, ChatML template; ~0.5 MB, same bytes
 * every run). Not a model of anything: it lets `llm.backend embedded` run the real engine
 * on a machine without weights.
 */
export const spec: CliCommandSpec = {
  define(cmd) {
    cmd.argument('<file.gguf>', 'where to write the model (overwritten)');
  },
  async run({ args, io }) {
    const file = args[0] as string;
    try {
      const bytes = tinyModelGguf();
      writeFileSync(file, bytes);
      io.out(`wrote ${file}: ${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}`);
      io.out('random weights: for engine smoke tests only (e.g. query -p llm.backend=embedded -p llm.model_path=<file>), not a model of anything');
      return EXIT.OK;
    } catch (err) {
      io.err(`claudia-llm tiny-model: ${asClaudiaError(err, 'E_BAD_INPUT').toField()}`);
      return EXIT.FAILED;
    }
  },
};
