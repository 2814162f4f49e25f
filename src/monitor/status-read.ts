import type { ComponentStatus, StatusLevel, StatusSource } from '../util/telemetry';

export type Component = StatusSource['component'];

/** One status source's report, read safely (a throwing status() becomes an ERROR report). */
export interface ReadStatus extends ComponentStatus {
  component: Component;
}

const LEVELS: StatusLevel[] = ['ok', 'warn', 'error', 'stale'];

export function levelRank(level: StatusLevel): number {
  const i = LEVELS.indexOf(level);
  return i < 0 ? 2 : i;
}

/** Calls every source's status(); never throws (a broken component must not break monitoring). */
export function readStatuses(sources: () => StatusSource[]): ReadStatus[] {
  let list: StatusSource[];
  try {
    list = sources();
  } catch (err) {
    return [{ component: 'transport', level: 'error', message: `status sources unavailable: ${bounded(String(err))}`, values: {} }];
  }
  const out: ReadStatus[] = [];
  for (const s of list) {
    try {
      const st = s.status();
      const level = LEVELS.includes(st.level) ? st.level : 'error';
      out.push({ component: s.component, level, message: bounded(String(st.message ?? '')), values: st.values ?? {} });
    } catch (err) {
      out.push({ component: s.component, level: 'error', message: `status() failed: ${bounded(err instanceof Error ? err.message : String(err))}`, values: {} });
    }
  }
  return out;
}

function bounded(s: string, max = 200): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/**
 * Value keys the monitor reads from status sources (the contract with the components; see
 * docs/monitor.md). Several spellings are accepted so a component's own naming still works.
 */
export function numberValue(values: ComponentStatus['values'], ...keys: string[]): number | undefined {
  for (const k of keys) {
    const v = values[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  }
  return undefined;
}

export function boolValue(values: ComponentStatus['values'], ...keys: string[]): boolean | undefined {
  for (const k of keys) {
    const v = values[k];
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v !== 0;
    if (typeof v === 'string') {
      const s = v.toLowerCase();
      if (['true', 'yes', 'up', 'ready', 'connected', 'ok', 'loaded', '1'].includes(s)) return true;
      if (['false', 'no', 'down', 'end', 'close', 'closed', 'disconnected', 'reconnecting', 'connecting', 'wait', 'error', '0', 'unloaded'].includes(s)) return false;
    }
  }
  return undefined;
}

export function stringValue(values: ComponentStatus['values'], ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = values[k];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

/** Queue depth per lane from a scheduler status: `queue_depth.<lane>`, `queue_<lane>` or `depth_<lane>`. */
export function laneDepth(values: ComponentStatus['values'], lane: string): number | undefined {
  return numberValue(values, `queue_depth.${lane}`, `queue_depth_${lane}`, `queue_${lane}`, `depth_${lane}`, `${lane}_depth`, `${lane}_queue`);
}

/** An Ollama status source describes one host (`host`, `in_flight`, `healthy`, `model_loaded`, `model`, `latency_ms`). */
export interface HostView {
  host: string;
  level: StatusLevel;
  message: string;
  inFlight?: number;
  healthy: boolean;
  modelLoaded?: boolean;
  model?: string;
  latencyMs?: number;
}

export function hostViews(statuses: ReadStatus[], configuredHosts: readonly string[]): HostView[] {
  const out: HostView[] = [];
  for (const s of statuses) {
    if (s.component !== 'ollama') continue;
    const v = s.values;
    const modelLoaded = boolValue(v, 'model_loaded', 'loaded', 'warm') ?? modelState(stringValue(v, 'model_state'));
    const model = stringValue(v, 'model');
    // Fleet form: one source for all hosts, `host_<i>` = "<url> <health> (<last error>)".
    const fleet = Object.keys(v).filter((k) => /^host_\d+$/.test(k) && typeof v[k] === 'string');
    if (fleet.length > 0) {
      for (const k of fleet) {
        const [url = '', health = '', ...rest] = String(v[k]).split(' ');
        const healthy = health === 'up';
        out.push({
          host: url,
          level: health === 'down' ? 'error' : healthy ? 'ok' : 'warn',
          message: rest.join(' ').replace(/^\((.*)\)$/, '$1') || health,
          inFlight: numberValue(v, `${k}_in_flight`, `${k}_running`),
          healthy,
          modelLoaded,
          model,
        });
      }
      continue;
    }
    // Per-host form: one source per host with `host`, `in_flight`, `healthy`, ...
    out.push({
      host: stringValue(v, 'host', 'url') ?? configuredHosts[out.length] ?? `host${out.length}`,
      level: s.level,
      message: s.message,
      inFlight: numberValue(v, 'in_flight', 'inflight', 'outstanding', 'running'),
      healthy: boolValue(v, 'healthy', 'up', 'reachable') ?? s.level !== 'error',
      modelLoaded,
      model,
      latencyMs: numberValue(v, 'latency_ms', 'last_latency_ms', 'ping_ms'),
    });
  }
  return out;
}

function modelState(state: string | undefined): boolean | undefined {
  if (state === 'loaded') return true;
  if (state === 'cold' || state === 'evicted' || state === 'unloaded') return false;
  return undefined;
}

/** Redis state from the cache status: `redis_connected` (bool) or `redis` / `redis_status` (ioredis status string). */
export function redisConnected(statuses: ReadStatus[]): boolean | undefined {
  for (const s of statuses) {
    if (s.component !== 'cache') continue;
    const b = boolValue(s.values, 'redis_connected', 'redis', 'redis_status', 'redis_state');
    if (b !== undefined) return b;
  }
  return undefined;
}
