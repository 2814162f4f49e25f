/**
 * `npm run bench`: runs every benchmark file in bench/, prints one table, and with
 * `--json` ends with one JSON line holding exactly the keys of issue 9.
 *
 *   npm run bench                      full run, each file in its own process
 *   npm run bench -- --json            ... and the JSON object as the last line
 *   npm run bench -- --quick           a few iterations each (what the smoke test runs)
 *   npm run bench -- --only mix,llm    only these files, benchmarks or keys
 *   npm run bench -- --in-process      no child processes (faster start, shared heap)
 *   npm run bench -- --compare old.txt also print each key against an earlier run's JSON line
 *
 * Each file runs in a child process by default, so one benchmark's heap (10k cache
 * entries, kuromoji) does not inflate another's RSS figure, and a leaked handle cannot
 * hang the run.
 */
process.env.DOTENV_CONFIG_QUIET = 'true';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nowMs } from './stats';
import type { BenchContext, BenchResult, BenchRow, Benchmark } from './types';

/** The benchmark files the harness looks for, in run order (bench/<name>.ts). */
export const MODULES = ['robot', 'cache', 'llm', 'dds', 'replay', 'emergency', 'long-input', 'mix', 'http', 'engine', 'fleet'] as const;

/** Every key of the final JSON object (issue 9), in its order, with the file that fills it. */
export const KEY_OWNERS: ReadonlyArray<readonly [string, string]> = [
  ['reflex_p99_ms', 'robot'],
  ['emergency_p99_ms_loaded', 'emergency'],
  ['stop_8mb_ms', 'long-input'],
  ['answer_8mb_ms', 'long-input'],
  ['memory_hit_p99_ms', 'cache'],
  ['redis_hit_p99_ms', 'cache'],
  ['redis_bare_get_p99_ms', 'cache'],
  ['semantic_lookup_p99_ms_10k', 'cache'],
  ['rss_mb_10k', 'cache'],
  ['llm_overhead_p99_ms', 'llm'],
  ['sched_throughput_vs_ideal', 'llm'],
  ['naive_throughput_vs_ideal', 'llm'],
  ['priority_p95_loaded_vs_unloaded', 'llm'],
  ['coalesced_calls_for_50_identical', 'llm'],
  ['ttfa_stream_ms', 'llm'],
  ['ttfa_nostream_ms', 'llm'],
  ['prefix_reuse', 'llm'],
  ['heap_growth_kb_per_aborted_stream', 'llm'],
  ['llm_overhead_p99_ms_openai', 'llm'],
  ['mix_mean_ms_ours', 'mix'],
  ['mix_mean_ms_seed', 'mix'],
  ['mix_p95_ms_ours', 'mix'],
  ['mix_p95_ms_seed', 'mix'],
  ['mix_llm_calls_ours', 'mix'],
  ['mix_llm_calls_seed', 'mix'],
  ['mix_mean_ms_ours_queue', 'mix'],
  ['mix_p95_ms_ours_queue', 'mix'],
  ['mix_superseded_ours', 'mix'],
  ['dds_reflex_p99_ms', 'dds'],
  ['dds_msgs_per_s_1kb', 'dds'],
  ['action_first_feedback_p99_ms', 'dds'],
  ['replay_msgs_per_s', 'replay'],
  ['http_stop_p99_ms', 'http'],
  ['engine_ttft_ms_cold', 'engine'],
  ['engine_ttft_ms_prefix', 'engine'],
  ['engine_overhead_p99_ms', 'engine'],
  ['fleet_llm_calls_per_utt_1', 'fleet'],
  ['fleet_llm_calls_per_utt_2', 'fleet'],
  ['fleet_llm_calls_per_utt_4', 'fleet'],
  ['fleet_llm_calls_per_utt_8', 'fleet'],
  ['fleet_hit_rate_8', 'fleet'],
  ['fleet_redis_hit_p99_ms_8', 'fleet'],
];
export const ALL_KEYS: readonly string[] = KEY_OWNERS.map(([k]) => k);

/** Keys whose value comes from the Ollama simulator's latency model (labelled "simulated" wherever shown). */
export const SIMULATED_KEYS: readonly string[] = ALL_KEYS.filter((k) => /^(mix_|ttfa_|priority_|prefix_reuse|coalesced_|llm_overhead_)|_throughput_/.test(k));

/** Where a full run (`npm run bench`, no --quick or --only) saves its result; `npm run docs:perf` reads it. */
export const SAVED_RUN = path.join(__dirname, 'results', 'latest.json');

/** What a full run saves: the JSON keys and the conditions they were measured under. */
export interface SavedRun {
  date: string;
  machine: { cpu: string; cpus: number; memory_gib: number; node: string; platform: string };
  /** os.loadavg() (1, 5, 15 min) at the start and at the end of the run. */
  load_start: number[];
  load_end: number[];
  wall_s: number;
  simulated: string[];
  values: Record<string, number | null>;
}

function machineInfo(): SavedRun['machine'] {
  const cpus = os.cpus();
  return { cpu: cpus[0]?.model.trim() ?? 'cpu', cpus: cpus.length, memory_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10, node: process.version, platform: `${os.platform()} ${os.release()}` };
}

export interface BenchOutcome {
  module: string;
  benchmark: string;
  /** Declared keys. */
  keys: string[];
  result?: BenchResult;
  error?: string;
  wallMs: number;
}

export interface RunReport {
  outcomes: BenchOutcome[];
  /** Exactly ALL_KEYS, in order. */
  values: Record<string, number | null>;
  /** Why a key is null (or where it came from when suspicious). */
  reasons: Record<string, string>;
  wallMs: number;
}

export interface RunOptions {
  quick: boolean;
  /** Names of files, benchmarks or keys to run; empty = all. */
  only: string[];
  log(line: string): void;
}

/** Loads bench/<name>.ts; a file that does not exist yet is reported, not fatal. */
export function loadModule(name: string): { benchmarks: Benchmark[] } | { missing: string } {
  const file = path.join(__dirname, name);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(file) as { benchmarks?: unknown };
    if (!Array.isArray(mod.benchmarks)) return { missing: `bench/${name}.ts does not export benchmarks: Benchmark[]` };
    return { benchmarks: mod.benchmarks as Benchmark[] };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'MODULE_NOT_FOUND' && String(e.message).includes(file)) return { missing: `bench/${name}.ts is not in this tree yet` };
    return { missing: `bench/${name}.ts failed to load: ${firstLine(e)}` };
  }
}

function selected(only: string[], module: string, b: Benchmark): boolean {
  if (only.length === 0) return true;
  return only.some((o) => o === module || o === b.name || b.keys.includes(o));
}

function moduleSelected(only: string[], module: string): boolean {
  if (only.length === 0 || only.includes(module)) return true;
  // A key or benchmark name may belong to this module: load it to find out.
  return only.some((o) => !(MODULES as readonly string[]).includes(o));
}

/** Runs the benchmarks of one file in this process. */
export async function runModule(module: string, opts: RunOptions): Promise<{ outcomes: BenchOutcome[]; missing?: string }> {
  const loaded = loadModule(module);
  if ('missing' in loaded) return { outcomes: [], missing: loaded.missing };
  const outcomes: BenchOutcome[] = [];
  for (const b of loaded.benchmarks) {
    if (!selected(opts.only, module, b)) continue;
    const ctx: BenchContext = { quick: opts.quick, log: (l) => opts.log(`[${b.name}] ${l}`) };
    const t0 = nowMs();
    try {
      const result = await b.run(ctx);
      outcomes.push({ module, benchmark: b.name, keys: b.keys, result, wallMs: nowMs() - t0 });
    } catch (err) {
      outcomes.push({ module, benchmark: b.name, keys: b.keys, error: firstLine(err), wallMs: nowMs() - t0 });
    }
    opts.log(`[${b.name}] done in ${((nowMs() - t0) / 1000).toFixed(1)} s`);
  }
  return { outcomes };
}

/** Runs every file (in-process, or each in a child process) and folds the results into the JSON keys. */
export async function runAll(opts: RunOptions & { isolate?: boolean; timeoutMs?: number }): Promise<RunReport> {
  const t0 = nowMs();
  const outcomes: BenchOutcome[] = [];
  const missing = new Map<string, string>();
  for (const m of MODULES) {
    if (!moduleSelected(opts.only, m)) continue;
    opts.log(`== bench/${m}.ts`);
    const r = opts.isolate ? await runChild(m, opts) : await runModule(m, opts);
    if (r.missing) {
      missing.set(m, r.missing);
      opts.log(`   skipped: ${r.missing}`);
    }
    outcomes.push(...r.outcomes);
  }
  const { values, reasons } = foldKeys(outcomes, missing, opts.only);
  return { outcomes, values, reasons, wallMs: nowMs() - t0 };
}

/** Exactly the issue's keys: a value from the benchmark that declares it, else null with the reason. */
export function foldKeys(outcomes: BenchOutcome[], missing: Map<string, string>, only: string[] = []): { values: Record<string, number | null>; reasons: Record<string, string> } {
  const values: Record<string, number | null> = {};
  const reasons: Record<string, string> = {};
  for (const [key, owner] of KEY_OWNERS) {
    values[key] = null;
    const o = outcomes.find((x) => x.keys.includes(key) || (x.result && key in x.result.keys));
    if (!o) {
      reasons[key] = missing.get(owner) ?? (only.length > 0 ? 'not selected (--only)' : `no benchmark in bench/${owner}.ts declares it`);
      continue;
    }
    if (o.error) {
      reasons[key] = `${o.benchmark} failed: ${o.error}`;
      continue;
    }
    const v = o.result?.keys[key];
    if (typeof v === 'number' && Number.isFinite(v)) values[key] = v;
    else reasons[key] = `${o.benchmark}: ${o.result?.notes?.join('; ') || (v === undefined ? 'the result does not contain this key' : 'null without a reason given')}`;
  }
  return { values, reasons };
}

// ---- child processes ------------------------------------------------------------------

const RESULT_MARK = '@@claudia-bench-result@@ ';

async function runChild(module: string, opts: RunOptions & { timeoutMs?: number }): Promise<{ outcomes: BenchOutcome[]; missing?: string }> {
  // --expose-gc: heap readings (heap_growth_kb_per_aborted_stream) GC twice first.
  const args = [...process.execArgv, '--expose-gc', __filename, '--child', module, ...(opts.quick ? ['--quick'] : []), ...(opts.only.length ? ['--only', opts.only.join(',')] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  let result: { outcomes: BenchOutcome[]; missing?: string } | undefined;
  let buf = '';
  const onLine = (line: string) => {
    if (line.startsWith(RESULT_MARK)) result = JSON.parse(line.slice(RESULT_MARK.length)) as typeof result;
    else if (line.trim() !== '') opts.log(line);
  };
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    buf += c;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
  });
  const timeoutMs = opts.timeoutMs ?? (opts.quick ? 120_000 : 1_200_000);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  if (buf) onLine(buf);
  if (result) return result;
  const why = code === null ? `killed after ${timeoutMs / 1000} s` : `exited with code ${code}`;
  const tail = stderr.trim().split('\n').slice(-3).join(' | ');
  return { outcomes: [], missing: `bench/${module}.ts ${why} without a result${tail ? `: ${tail}` : ''}` };
}

// ---- output ---------------------------------------------------------------------------

function fmt(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '-';
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1000) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 0.1) return v.toFixed(3);
  return v.toPrecision(3);
}

export function formatTable(outcomes: BenchOutcome[]): string {
  const head = ['benchmark', 'what', 'n', 'p50', 'p95', 'p99', 'mean/value', 'unit', 'source'];
  const rows: string[][] = [];
  for (const o of outcomes) {
    if (o.error) {
      rows.push([o.benchmark, `FAILED: ${o.error.slice(0, 80)}`, '', '', '', '', '', '', '']);
      continue;
    }
    for (const r of o.result?.rows ?? []) rows.push(rowCells(o.benchmark, r));
  }
  const width = head.map((h, i) => Math.min(i === 1 ? 64 : 40, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i <= 6 ? c.padStart(width[i] as number) : c.padEnd(width[i] as number))).join('  ').trimEnd();
  return [line(head), line(width.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function rowCells(bench: string, r: BenchRow): string[] {
  return [bench, r.what, String(r.n), fmt(r.p50), fmt(r.p95), fmt(r.p99), fmt(r.mean ?? r.value), r.unit, r.simulated ? 'simulated' : 'measured'];
}

export function machineLine(): string {
  const cpus = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  return `machine: ${os.hostname()} | ${cpus[0]?.model ?? 'cpu'} x${cpus.length} | ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB | Node ${process.version} | ${os.platform()} ${os.release()} | load ${load}`;
}

/** The JSON object of an earlier run: a file holding it, or a saved `--json` output (its last JSON line). */
export function readPrevious(text: string): Record<string, number | null> {
  for (const l of text.trim().split('\n').reverse()) {
    const t = l.trim();
    if (!t.startsWith('{')) continue;
    try {
      return JSON.parse(t) as Record<string, number | null>;
    } catch {
      // Not the object line; keep looking.
    }
  }
  throw new Error('no JSON object line found; pass the output of `npm run bench -- --json` or a file holding its last line');
}

/** Key by key: the earlier value, this run's, and this / earlier. */
export function formatComparison(prev: Record<string, number | null>, now: Record<string, number | null>): string {
  const rows = ALL_KEYS.map((k) => {
    const a = prev[k];
    const b = now[k];
    const ratio = typeof a === 'number' && typeof b === 'number' && a !== 0 ? `${(b / a).toFixed(2)}x` : '-';
    return [k, fmt(a ?? undefined), fmt(b ?? undefined), ratio];
  });
  const head = ['key', 'previous', 'now', 'now/previous'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(w[i] as number) : x.padStart(w[i] as number))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

function firstLine(err: unknown): string {
  const s = err instanceof Error ? err.message : String(err);
  return s.split('\n')[0] ?? s;
}

function parseArgs(argv: string[]): { json: boolean; quick: boolean; only: string[]; child?: string; isolate: boolean; compare?: string } {
  const out = { json: false, quick: false, only: [] as string[], child: undefined as string | undefined, isolate: true, compare: undefined as string | undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--json') out.json = true;
    else if (a === '--quick') out.quick = true;
    else if (a === '--in-process') out.isolate = false;
    else if (a === '--only' || a.startsWith('--only=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : (argv[++i] ?? '');
      out.only.push(...v.split(',').map((s) => s.trim()).filter(Boolean));
    } else if (a === '--child') out.child = argv[++i];
    else if (a === '--compare') out.compare = argv[++i];
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npm run bench -- [--json] [--quick] [--only name,name] [--in-process] [--compare previous-output.txt]\n');
      process.exit(0);
    } else {
      process.stderr.write(`unknown flag ${a}; use --json, --quick, --only name,name, --in-process or --compare file\n`);
      process.exit(2);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (l: string) => process.stdout.write(l + '\n');
  if (args.child) {
    const r = await runModule(args.child, { quick: args.quick, only: args.only, log });
    process.stdout.write(RESULT_MARK + JSON.stringify(r) + '\n', () => process.exit(0));
    return;
  }
  // Read the earlier run first: a wrong path should fail before minutes of benchmarks.
  let previous: Record<string, number | null> | undefined;
  try {
    previous = args.compare ? readPrevious(fs.readFileSync(args.compare, 'utf8')) : undefined;
  } catch (err) {
    process.stderr.write(`--compare ${args.compare}: ${firstLine(err)}\n`);
    process.exit(2);
  }
  log(`claudia_llm benchmarks${args.quick ? ' (quick: a few iterations, numbers not meaningful)' : ''}`);
  log(machineLine());
  const loadStart = os.loadavg();
  const report = await runAll({ quick: args.quick, only: args.only, log, isolate: args.isolate });
  if (!args.quick && args.only.length === 0) {
    const saved: SavedRun = {
      date: new Date().toISOString(), machine: machineInfo(), load_start: loadStart.map((l) => Math.round(l * 100) / 100),
      load_end: os.loadavg().map((l) => Math.round(l * 100) / 100), wall_s: Math.round(report.wallMs / 100) / 10, simulated: [...SIMULATED_KEYS], values: report.values,
    };
    fs.mkdirSync(path.dirname(SAVED_RUN), { recursive: true });
    fs.writeFileSync(SAVED_RUN, JSON.stringify(saved, null, 2) + '\n');
    log(`saved ${path.relative(process.cwd(), SAVED_RUN)} (the README's performance table: npm run docs:perf)`);
  }
  log('');
  log(formatTable(report.outcomes));
  for (const o of report.outcomes) for (const n of o.result?.notes ?? []) log(`note [${o.benchmark}]: ${n}`);
  for (const [k, why] of Object.entries(report.reasons)) log(`null ${k}: ${why}`);
  if (previous) log(`\ncompared with ${args.compare}:\n${formatComparison(previous, report.values)}`);
  log(`total wall time ${(report.wallMs / 1000).toFixed(1)} s; "simulated" = from the Ollama simulator's latency model, not a real model`);
  if (args.json) log(JSON.stringify(report.values));
  // Benchmarks may leave sockets or timers behind; the run is over.
  process.stdout.write('', () => process.exit(0));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
