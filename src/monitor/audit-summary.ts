import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { percentiles } from '../util/percentile';

export interface LatencyStats {
  n: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

export interface AuditSummary {
  files: string[];
  lines: number;
  /** Lines that were not audit records (torn writes, other JSON); counted, never fatal. */
  bad_lines: number;
  requests: number;
  success: number;
  errors: Record<string, number>;
  by_source: Record<string, number>;
  by_language: Record<string, number>;
  by_verdict: Record<string, number>;
  blocked_reasons: Record<string, number>;
  actions_published: Record<string, number>;
  robot_codes: Record<string, number>;
  dry_run: number;
  first_time: string | null;
  last_time: string | null;
  /** Total latency (ms) per source, and `all`. */
  latency_ms: Record<string, LatencyStats>;
  /** Per-stage latency (ms) over the requests that had that stage. */
  stage_ms: Record<string, LatencyStats>;
}

const STAGES = ['first_effect', 'queue', 'ttft', 'ttfa', 'llm'] as const;

/** Reads audit JSONL files line by line (constant memory per line; latencies are kept for exact percentiles). */
export async function summariseAudit(files: string[]): Promise<AuditSummary> {
  const acc = createAccumulator(files);
  for (const file of files) {
    const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of rl) acc.add(line);
  }
  return acc.result();
}

export function summariseAuditLines(lines: Iterable<string>, files: string[] = []): AuditSummary {
  const acc = createAccumulator(files);
  for (const line of lines) acc.add(line);
  return acc.result();
}

function createAccumulator(files: string[]) {
  const s: AuditSummary = {
    files,
    lines: 0,
    bad_lines: 0,
    requests: 0,
    success: 0,
    errors: {},
    by_source: {},
    by_language: {},
    by_verdict: {},
    blocked_reasons: {},
    actions_published: {},
    robot_codes: {},
    dry_run: 0,
    first_time: null,
    last_time: null,
    latency_ms: {},
    stage_ms: {},
  };
  const lat = new Map<string, number[]>();
  const stage = new Map<string, number[]>();
  const push = (m: Map<string, number[]>, k: string, v: unknown) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return;
    const list = m.get(k) ?? [];
    list.push(v);
    m.set(k, list);
  };
  const inc = (o: Record<string, number>, k: unknown) => {
    const key = String(k === '' || k === undefined || k === null ? '(none)' : k).slice(0, 80);
    o[key] = (o[key] ?? 0) + 1;
  };
  let firstMs = Infinity;
  let lastMs = -Infinity;

  return {
    add(line: string) {
      if (line.trim() === '') return;
      s.lines++;
      let r: Record<string, unknown>;
      try {
        r = JSON.parse(line) as Record<string, unknown>;
      } catch {
        s.bad_lines++;
        return;
      }
      if (!r || typeof r !== 'object' || typeof r['id'] !== 'string' || typeof r['source'] !== 'string') {
        s.bad_lines++;
        return;
      }
      s.requests++;
      if (r['success'] === true) s.success++;
      else inc(s.errors, String(r['error'] ?? '').split(':')[0]);
      inc(s.by_source, r['source']);
      inc(s.by_language, r['language']);
      inc(s.by_verdict, r['verdict']);
      if (r['dry_run'] === true) s.dry_run++;
      const wall = r['wall_ms'];
      if (typeof wall === 'number') {
        firstMs = Math.min(firstMs, wall);
        lastMs = Math.max(lastMs, wall);
      }
      const actions = Array.isArray(r['actions']) ? (r['actions'] as Array<Record<string, unknown>>) : [];
      for (const a of actions) if (typeof a?.['reason'] === 'string') inc(s.blocked_reasons, a['reason']);
      // What went on the wire (published_api_ids), named after the action with that api id:
      // a dry-run stop still published StopMove, a dry-run sit published nothing.
      const published = Array.isArray(r['published_api_ids']) ? (r['published_api_ids'] as unknown[]) : [];
      for (const id of published) {
        const named = actions.find((a) => Number(a?.['api_id']) === Number(id) && a?.['verdict'] !== undefined && !String(a['verdict']).startsWith('blocked:'));
        inc(s.actions_published, typeof named?.['name'] === 'string' ? named['name'] : `api_id ${String(id)}`);
      }
      const codes = Array.isArray(r['robot_codes']) ? (r['robot_codes'] as Array<Record<string, unknown>>) : [];
      for (const c of codes) inc(s.robot_codes, c?.['code']);
      const l = (r['latency_ms'] ?? {}) as Record<string, unknown>;
      push(lat, String(r['source']), l['total']);
      push(lat, 'all', l['total']);
      for (const st of STAGES) push(stage, st, l[st]);
    },
    result(): AuditSummary {
      for (const [k, v] of lat) s.latency_ms[k] = stats(v);
      for (const [k, v] of stage) s.stage_ms[k] = stats(v);
      if (Number.isFinite(firstMs)) s.first_time = new Date(firstMs).toISOString();
      if (Number.isFinite(lastMs)) s.last_time = new Date(lastMs).toISOString();
      return s;
    },
  };
}

function stats(values: number[]): LatencyStats {
  const [p50, p90, p99, max] = percentiles(values, [50, 90, 99, 100]);
  const r = (v: number | undefined) => (v === undefined ? null : Math.round(v * 1000) / 1000);
  return { n: values.length, p50: r(p50), p90: r(p90), p99: r(p99), max: r(max) };
}

/** Human-readable table for the terminal. */
export function formatAuditSummary(s: AuditSummary): string {
  const out: string[] = [];
  out.push(`audit summary: ${s.requests} requests in ${s.files.length} file(s)${s.bad_lines ? `, ${s.bad_lines} unreadable line(s) skipped` : ''}`);
  if (s.first_time) out.push(`period: ${s.first_time} .. ${s.last_time}`);
  out.push(`success: ${s.success}  errors: ${s.requests - s.success}  dry runs: ${s.dry_run}`);
  const counts = (title: string, o: Record<string, number>) => {
    const entries = Object.entries(o).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    if (entries.length) out.push(`${title}: ${entries.map(([k, v]) => `${k}=${v}`).join('  ')}`);
  };
  counts('by source', s.by_source);
  counts('by language', s.by_language);
  counts('safety verdict', s.by_verdict);
  counts('refused (reason)', s.blocked_reasons);
  counts('actions executed', s.actions_published);
  counts('robot codes', s.robot_codes);
  counts('error codes', s.errors);
  const table = (title: string, o: Record<string, LatencyStats>) => {
    const keys = Object.keys(o);
    if (!keys.length) return;
    out.push('', `${title.padEnd(16)}${['n', 'p50', 'p90', 'p99', 'max'].map((h) => h.padStart(10)).join('')}`);
    for (const k of keys.sort((a, b) => (a === 'all' ? 1 : b === 'all' ? -1 : a.localeCompare(b)))) {
      const st = o[k] as LatencyStats;
      const f = (v: number | null) => (v === null ? '-' : v < 10 ? v.toFixed(3) : v.toFixed(1)).padStart(10);
      out.push(`${k.padEnd(16)}${String(st.n).padStart(10)}${f(st.p50)}${f(st.p90)}${f(st.p99)}${f(st.max)}`);
    }
  };
  table('latency ms', s.latency_ms);
  table('stage ms', s.stage_ms);
  return out.join('\n');
}
