import { formatBagInfo, openBag } from '../bag';
import { asClaudiaError } from '../util/errors';
import { jsonReplacer } from '../util/logger';
import { EXIT } from './exit-codes';
import type { CliCommandSpec } from './types';
import { terminalSafe } from '../util/terminal-text';

/**
 * `claudia-llm bag info <dir>`: what `ros2 bag info` prints (files, size, storage, duration,
 * start/end, message count, topics with type/count/format). `--verify` also counts the messages
 * in the storage and reports where metadata.yaml disagrees with it.
 */
export const spec: CliCommandSpec<{ json?: boolean; verify?: boolean }> = {
  define(cmd) {
    cmd
      .argument('<bag_dir>', 'the bag folder (with metadata.yaml)')
      .option('--json', 'the metadata as JSON (int64 as decimal strings)')
      .option('--verify', 'count the messages in the storage and report where metadata.yaml disagrees (exit 1)');
  },
  async run({ args, opts, io }) {
    try {
      const reader = openBag(args[0] as string);
      try {
        const s = reader.summary;
        const problems: string[] = [];
        if (opts.verify) {
          const counts = reader.countByTopic();
          for (const t of s.metadata.topics_with_message_count) {
            const n = counts.get(t.topic_metadata.name) ?? 0;
            if (n !== t.message_count) problems.push(`${t.topic_metadata.name}: metadata says ${t.message_count}, storage holds ${n}`);
          }
        }
        if (opts.json) io.out(JSON.stringify({ dir: s.dir, files: s.files, bag_size: s.bag_size, metadata: s.metadata, problems }, jsonReplacer));
        else {
          io.out(terminalSafe(formatBagInfo(s), { newlines: true }));
          for (const p of problems) io.err(terminalSafe(`mismatch: ${p}`));
        }
        return problems.length ? EXIT.FAILED : EXIT.OK;
      } finally {
        reader.close();
      }
    } catch (err) {
      io.err(`claudia-llm bag info: ${asClaudiaError(err, 'E_BAG').toField()}`);
      return EXIT.FAILED;
    }
  },
};
