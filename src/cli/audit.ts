import { existsSync, statSync } from 'node:fs';
import { formatAuditSummary, summariseAudit } from '../monitor/audit-summary';
import { jsonReplacer } from '../util/logger';
import type { CliCommand } from './types';

const USAGE = 'usage: claudia-llm audit summary <file.jsonl> [more files...] [--json]';

/** `claudia-llm audit summary <file> [--json]`: counts and latency percentiles (by source) of an audit log. */
export const command: CliCommand = async (argv, io) => {
  const json = argv.includes('--json');
  const files = argv.filter((a) => a !== '--json');
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  const unknown = files.find((f) => f.startsWith('--'));
  if (unknown) {
    io.err(`claudia-llm audit summary: unknown option ${unknown}\n${USAGE}`);
    return 2;
  }
  if (files.length === 0) {
    io.err(`claudia-llm audit summary: give the audit file (audit.path), e.g. audit.jsonl\n${USAGE}`);
    return 2;
  }
  for (const f of files) {
    if (!existsSync(f) || !statSync(f).isFile()) {
      io.err(`claudia-llm audit summary: E_BAD_INPUT: ${f} is not a readable file; pass the path set in audit.path (rotated files are <path>.1, <path>.2, ...)`);
      return 2;
    }
  }
  const summary = await summariseAudit(files);
  io.out(json ? JSON.stringify(summary, jsonReplacer, 2) : formatAuditSummary(summary));
  return 0;
};
