import { terminalSafe } from './terminal-text';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** User text in logs only as a bounded excerpt. */
export function excerpt(text: string, max = 80): string {
  // Only the head is split into characters: a megabyte utterance costs no more than a short one.
  const head = Array.from(text.slice(0, max * 2 + 2));
  if (head.length <= max && text.length <= max * 2 + 2) return text;
  const all = text.length <= max * 2 + 2;
  return `${head.slice(0, max).join('')}…(${all ? head.length : text.length} chars)`;
}

/** JSON-safe: BigInt (CDR int64, bag timestamps) becomes a decimal string. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

export function createJsonLogger(opts: { level?: LogLevel; write?: (line: string) => void; name?: string } = {}): Logger {
  const min = RANK[opts.level ?? 'info'];
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const log = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    if (RANK[level] < min) return;
    write(JSON.stringify({ t: new Date().toISOString(), level, name: opts.name ?? 'claudia_llm', msg, ...fields }, jsonReplacer));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A human-readable single-line logger for the terminal (npm start, CLI). */
export function createConsoleLogger(opts: { level?: LogLevel; write?: (line: string) => void } = {}): Logger {
  const min = RANK[opts.level ?? 'info'];
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const log = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    if (RANK[level] < min) return;
    const extra = fields && Object.keys(fields).length ? ' ' + JSON.stringify(fields, jsonReplacer) : '';
    // Messages quote user and LLM text: a terminal must never receive its control sequences.
    write(terminalSafe(`[${level.toUpperCase()}] ${msg}${extra}`));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export function createSilentLogger(): Logger {
  const noop = () => undefined;
  return { debug: noop, info: noop, warn: noop, error: noop };
}

/** Captures lines for tests that assert on what was logged. */
export function createMemoryLogger(): Logger & { lines: Array<{ level: LogLevel; msg: string; fields?: LogFields }> } {
  const lines: Array<{ level: LogLevel; msg: string; fields?: LogFields }> = [];
  const log = (level: LogLevel) => (msg: string, fields?: LogFields) => void lines.push({ level, msg, fields });
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
