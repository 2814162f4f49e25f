import type { DiagnosticArrayMsg, DiagnosticStatusMsg, KeyValueMsg, TimeMsg } from '../ros/messages';
import type { StatusLevel } from '../util/telemetry';
import type { LagWindow } from './event-loop-lag';
import { levelRank, type ReadStatus } from './status-read';

/** diagnostic_msgs/DiagnosticStatus levels (byte). */
export const DIAG_LEVEL: Record<StatusLevel, number> = { ok: 0, warn: 1, error: 2, stale: 3 };

/** Event-loop lag (p99 of the last window) above these is WARN / ERROR. */
export const LAG_WARN_MS = 50;
export const LAG_ERROR_MS = 250;

const MAX_VALUES = 40;
const MAX_TEXT = 256;

export const STATUS_PREFIX = 'claudia_llm: ';

/**
 * One DiagnosticStatus per component (`claudia_llm: ollama`, ...), the way
 * rqt_runtime_monitor groups them: a component with several sources (one per Ollama host)
 * is one status with the worst level, and its values are prefixed by host.
 */
export function buildDiagnosticArray(opts: { statuses: ReadStatus[]; lag: LagWindow; hardwareId: string; stamp: TimeMsg }): DiagnosticArrayMsg {
  const byComponent = new Map<string, ReadStatus[]>();
  for (const s of opts.statuses) {
    const list = byComponent.get(s.component) ?? [];
    list.push(s);
    byComponent.set(s.component, list);
  }
  const status: DiagnosticStatusMsg[] = [];
  for (const [component, list] of byComponent) status.push(componentStatus(component, list, opts.hardwareId));
  status.push(lagStatus(opts.lag, opts.hardwareId));
  return { header: { stamp: opts.stamp, frame_id: '' }, status };
}

function componentStatus(component: string, list: ReadStatus[], hardwareId: string): DiagnosticStatusMsg {
  const worst = list.reduce((a, b) => (levelRank(b.level) > levelRank(a.level) ? b : a));
  const values: KeyValueMsg[] = [];
  list.forEach((s, i) => {
    const prefix = list.length > 1 ? `${typeof s.values['host'] === 'string' ? s.values['host'] : `#${i}`} ` : '';
    for (const [key, value] of Object.entries(s.values)) {
      if (values.length >= MAX_VALUES) break;
      values.push({ key: clip(prefix + key, 64), value: clip(formatValue(value), MAX_TEXT) });
    }
  });
  const message = list.length > 1 ? list.map((s) => s.message).filter(Boolean).join('; ') : worst.message;
  return { level: DIAG_LEVEL[worst.level], name: STATUS_PREFIX + component, message: clip(message, MAX_TEXT), hardware_id: hardwareId, values };
}

function lagStatus(lag: LagWindow, hardwareId: string): DiagnosticStatusMsg {
  const level: StatusLevel = lag.p99Ms >= LAG_ERROR_MS ? 'error' : lag.p99Ms >= LAG_WARN_MS ? 'warn' : 'ok';
  const message = level === 'ok' ? 'event loop responsive' : `event loop lag p99 ${lag.p99Ms.toFixed(1)} ms delays stops`;
  return {
    level: DIAG_LEVEL[level],
    name: `${STATUS_PREFIX}event_loop`,
    message,
    hardware_id: hardwareId,
    values: [
      { key: 'lag_p50_ms', value: lag.p50Ms.toFixed(2) },
      { key: 'lag_p99_ms', value: lag.p99Ms.toFixed(2) },
      { key: 'lag_max_ms', value: lag.maxMs.toFixed(2) },
    ],
  };
}

function formatValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(3).replace(/\.?0+$/, '');
  if (typeof v === 'bigint') return v.toString();
  return String(v);
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
