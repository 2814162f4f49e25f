import type { Telemetry } from '../util/telemetry';
import { hostLabel } from './labels';

/**
 * Ollama calls in flight per host, counted from scheduler events (dispatched +1; done or
 * preempted -1), for status sources that do not report it themselves. Keys are host labels.
 */
export interface InFlightTracker {
  get(host: string): number | undefined;
  entries(): Array<[string, number]>;
  close(): void;
}

export function createInFlightTracker(telemetry: Telemetry, hosts: readonly string[]): InFlightTracker {
  const counts = new Map<string, number>();
  const add = (host: string | undefined, d: number) => {
    if (!host) return;
    const h = hostLabel(host, hosts);
    counts.set(h, Math.max(0, (counts.get(h) ?? 0) + d));
  };
  const off = telemetry.on((e) => {
    if (e.type !== 'sched') return;
    if (e.event === 'dispatched') add(e.host, +1);
    else if (e.event === 'done' || e.event === 'preempted') add(e.host, -1);
  });
  return {
    get: (host) => counts.get(hostLabel(host, hosts)),
    entries: () => [...counts],
    close: () => void off(),
  };
}
