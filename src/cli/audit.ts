import { existsSync, statSync } from 'node:fs';
import { formatAuditSummary, summariseAudit } from '../monitor/audit-summary';
import { jsonReplacer } from '../util/logger';
import { EXIT } from './exit-codes';
import type { CliCommandSpec } from './types';

/** `claudia-llm audit summary <file...> [--json]`: counts and latency percentiles (by source) of an audit log. */
export const spec: CliCommandSpec<{ json?: boolean }> = {
  define(cmd) {
    cmd
      .argument('<files...>', 'the audit file (audit.path), and rotated files <path>.1, <path>.2, ... if wanted')
      .option('--json', 'the summary as JSON');
  },
  async run({ args, opts, io }) {
    const files = args[0] as string[];
    for (const f of files) {
      if (!existsSync(f) || !statSync(f).isFile()) {
        io.err(`claudia-llm audit summary: E_BAD_INPUT: ${f} is not a readable file; pass the path set in audit.path (rotated files are <path>.1, <path>.2, ...)`);
        return EXIT.USAGE;
      }
    }
    const summary = await summariseAudit(files);
    io.out(opts.json ? JSON.stringify(summary, jsonReplacer, 2) : formatAuditSummary(summary));
    return EXIT.OK;
  },
};
