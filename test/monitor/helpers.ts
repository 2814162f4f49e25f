import { request } from 'node:http';
import type { AnswerRecord } from '../../src/pipeline/types';
import type { ComponentStatus, StatusSource } from '../../src/util/telemetry';

let seq = 0;

/** An AnswerRecord as the pipeline emits it (for tests that drive Telemetry directly). */
export function answerRecord(over: Partial<AnswerRecord> = {}): AnswerRecord {
  seq++;
  return {
    requestId: `req-${seq}`,
    utteranceId: '',
    text: '座って',
    success: true,
    reply: '座ります',
    language: 'ja',
    actions: [{ name: 'sit', api_id: 1009, parameter: '{}', verdict: 'ok' }],
    source: 'reflex',
    latencyMs: 0.4,
    error: '',
    at: 0,
    wallMs: 1_764_000_000_000 + seq,
    origin: 'cli',
    promptType: '',
    proposals: [{ name: 'sit' }],
    publishedApiIds: [1009],
    robotCodes: [],
    detail: {},
    firstEffectMs: 0.3,
    dryRun: false,
    ...over,
  };
}

/** A status source whose report the test sets (a test input standing for a component's state). */
export function statusSource(component: StatusSource['component'], status: ComponentStatus): StatusSource & { set(s: ComponentStatus): void } {
  let cur = status;
  return { component, status: () => cur, set: (s) => void (cur = s) };
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function httpGet(url: string, headers: Record<string, string> = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error(`GET ${url} timed out`)));
    req.end();
  });
}

/** Parses Prometheus text into `name{labels}` -> value (labels sorted, as written). */
export function parseProm(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (!m) continue;
    const labels = m[2] ? normLabels(m[2]) : '';
    out.set(`${m[1]}${labels}`, Number(m[3]));
  }
  return out;
}

function normLabels(raw: string): string {
  const parts = raw
    .slice(1, -1)
    .match(/[a-zA-Z_]\w*="(?:[^"\\]|\\.)*"/g);
  return parts ? `{${parts.sort().join(',')}}` : '';
}

/** Difference of one series between two scrapes (absent = 0). */
export function delta(before: Map<string, number>, after: Map<string, number>, key: string): number {
  return (after.get(key) ?? 0) - (before.get(key) ?? 0);
}

export function waitFor(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (cond()) return resolve();
      if (Date.now() - start > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(check, 10);
    };
    check();
  });
}
