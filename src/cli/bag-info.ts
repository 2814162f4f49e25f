import { parseArgs } from 'node:util';
import { formatBagInfo, openBag } from '../bag';
import { asClaudiaError } from '../util/errors';
import { jsonReplacer } from '../util/logger';
import type { CliCommand } from './types';

const USAGE = 'usage: claudia-llm bag info <bag_dir> [--json] [--verify]';

/**
 * `claudia-llm bag info <dir>`: what `ros2 bag info` prints (files, size, storage, duration,
 * start/end, message count, topics with type/count/format). `--verify` also counts the messages
 * in the storage and reports where metadata.yaml disagrees with it.
 */
export const command: CliCommand = async (argv, io) => {
  let values: { json?: boolean; verify?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, verify: { type: 'boolean' } }, allowPositionals: true, strict: true }));
  } catch (err) {
    io.err(`claudia-llm bag info: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (positionals.length !== 1) {
    io.err(USAGE);
    return 2;
  }
  try {
    const reader = openBag(positionals[0] as string);
    try {
      const s = reader.summary;
      const problems: string[] = [];
      if (values.verify) {
        const counts = reader.countByTopic();
        for (const t of s.metadata.topics_with_message_count) {
          const n = counts.get(t.topic_metadata.name) ?? 0;
          if (n !== t.message_count) problems.push(`${t.topic_metadata.name}: metadata says ${t.message_count}, storage holds ${n}`);
        }
      }
      if (values.json) io.out(JSON.stringify({ dir: s.dir, files: s.files, bag_size: s.bag_size, metadata: s.metadata, problems }, jsonReplacer));
      else {
        io.out(formatBagInfo(s));
        for (const p of problems) io.err(`mismatch: ${p}`);
      }
      return problems.length ? 1 : 0;
    } finally {
      reader.close();
    }
  } catch (err) {
    io.err(`claudia-llm bag info: ${asClaudiaError(err, 'E_BAG').toField()}`);
    return 1;
  }
};
