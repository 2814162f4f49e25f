import type { Clock, TimerHandle } from '../util/clock';
import { asClaudiaError } from '../util/errors';
import type { Logger } from '../util/logger';
import type { Lane } from '../util/telemetry';
import type { HostHandle } from './types';

export type HostHealth = 'unknown' | 'up' | 'down';

export interface HostState<C> extends HostHandle<C> {
  readonly slots: number;
  running: number;
  health: HostHealth;
  lastError: string;
  /** Clock time of the last health change. */
  since: number;
  /** From /api/ps: is the model loaded? undefined = not checked yet. */
  modelLoaded?: boolean;
  /** Was the model ever seen loaded (so "not loaded" now means evicted)? */
  everLoaded: boolean;
  /** Clock time of the last successful call (a host that just answered needs no probe). */
  lastOkAt: number;
  /** Clock time the host last showed it is serving: a call succeeded or a stream delivered a piece. */
  lastAliveAt: number;
}

export interface HealthProbe<C> {
  /** Resolves when the host answers; rejects when it does not. Returns whether the model is loaded, if known. */
  (host: HostState<C>, signal: AbortSignal): Promise<{ modelLoaded?: boolean }>;
}

export interface HostPool<C> {
  readonly hosts: ReadonlyArray<HostState<C>>;
  /** Least-outstanding healthy host with a slot this lane may use; undefined = none now. */
  pick(lane: Lane): HostState<C> | undefined;
  /** True while at least one host is not known to be down. */
  anyUsable(): boolean;
  markDown(host: HostState<C>, reason: string): void;
  markUp(host: HostState<C>): void;
  /** A call succeeded: the host is up and, for an LLM call, the model is loaded. */
  reportOk(host: HostState<C>, modelLoaded?: boolean): void;
  /** A call is making progress (a streamed piece arrived): a probe that times out meanwhile does not take the host out. */
  reportAlive(host: HostState<C>): void;
  /** Probes every host now (start-up, tests). */
  checkAll(): Promise<void>;
  start(): void;
  close(): void;
  /** Called whenever a host comes back, so queued work can move. */
  onChange(fn: () => void): void;
  /** Called when a call (not a probe) takes a host out: its other work must move at once. */
  onLost(fn: (host: HostState<C>, reason: string) => void): void;
}

/**
 * The fleet: N slots per host, health by probe (every `intervalMs`, and at once after a
 * failure), least-outstanding choice. With `reserveForHigh`, low-lane work may use at most
 * slots-1 of a multi-slot host, so a command always finds a free slot there.
 */
export function createHostPool<C>(deps: {
  urls: string[];
  slots: number;
  makeClient: (url: string) => C;
  probe: HealthProbe<C>;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  probeTimeoutMs: number;
  reserveForHigh: boolean;
  /** What a host is called in logs (the backend's name for it); default 'LLM host'. */
  hostNoun?: string;
}): HostPool<C> {
  const { clock, logger } = deps;
  const noun = deps.hostNoun ?? 'LLM host';
  const hosts: HostState<C>[] = deps.urls.map((url) => ({
    url,
    client: deps.makeClient(url),
    slots: deps.slots,
    running: 0,
    health: 'unknown',
    lastError: '',
    since: clock.now(),
    everLoaded: false,
    lastOkAt: -Infinity,
    lastAliveAt: -Infinity,
  }));
  let timer: TimerHandle | undefined;
  let closed = false;
  let rr = 0;
  const listeners: Array<() => void> = [];
  const lostListeners: Array<(h: HostState<C>, reason: string) => void> = [];
  const probing = new Set<HostState<C>>();

  const allowed = (h: HostState<C>, lane: Lane) => (lane === 'low' && deps.reserveForHigh && h.slots > 1 ? h.slots - 1 : h.slots);

  function set(h: HostState<C>, health: HostHealth, reason = ''): void {
    if (h.health === health) return;
    const was = h.health;
    h.health = health;
    h.since = clock.now();
    h.lastError = reason;
    // A host that never answered (down from the start) was reported once at start-up (run's
    // "LLM unreachable"); only a host that was serving and stopped is news worth a warning.
    if (health === 'down') (was === 'unknown' ? logger.info : logger.warn).call(logger, `${noun} taken out of service`, { host: h.url, reason });
    else if (was === 'down') logger.info(`${noun} back in service`, { host: h.url });
    if (health === 'up') for (const l of listeners) l();
  }

  async function probeOne(h: HostState<C>): Promise<void> {
    if (probing.has(h) || closed) return;
    probing.add(h);
    const ctl = new AbortController();
    const startedAt = clock.now();
    const t = clock.setTimeout(() => ctl.abort(new Error(`no answer within ${deps.probeTimeoutMs} ms`)), deps.probeTimeoutMs);
    try {
      const r = await deps.probe(h, ctl.signal);
      if (r.modelLoaded !== undefined) {
        h.modelLoaded = r.modelLoaded;
        if (r.modelLoaded) h.everLoaded = true;
      }
      set(h, 'up');
    } catch (err) {
      // A slow answer from a host that served work during the probe is load (its own, or
      // this node's event loop), not a dead host: it stays as it is and is probed again at
      // the next interval. A refused or reset connection is not slow and still takes it out.
      if (ctl.signal.aborted && h.lastAliveAt >= startedAt) logger.debug(`${noun} probe timed out while the host was serving; kept in service`, { host: h.url });
      else set(h, 'down', ctl.signal.aborted ? String((ctl.signal.reason as Error).message) : asClaudiaError(err).message);
    } finally {
      clock.clearTimeout(t);
      probing.delete(h);
    }
  }

  function schedule(): void {
    if (closed || deps.intervalMs <= 0) return;
    timer = clock.setTimeout(() => {
      // Passive health: a host that answered a call within the interval is not probed.
      const now = clock.now();
      const due = hosts.filter((h) => h.health !== 'up' || now - h.lastOkAt >= deps.intervalMs);
      void Promise.allSettled(due.map(probeOne)).then(schedule);
    }, deps.intervalMs);
  }

  return {
    hosts,
    pick(lane) {
      let best: HostState<C> | undefined;
      for (let i = 0; i < hosts.length; i++) {
        const h = hosts[(rr + i) % hosts.length] as HostState<C>;
        if (h.health === 'down' || h.running >= allowed(h, lane)) continue;
        if (!best || h.running < best.running) best = h;
      }
      if (best) rr = (hosts.indexOf(best) + 1) % hosts.length;
      return best;
    },
    anyUsable: () => hosts.some((h) => h.health !== 'down'),
    markDown(h, reason) {
      const was = h.health;
      set(h, 'down', reason);
      if (was !== 'down') for (const l of lostListeners) l(h, reason);
    },
    markUp(h) {
      set(h, 'up');
    },
    reportOk(h, modelLoaded) {
      h.lastOkAt = clock.now();
      h.lastAliveAt = h.lastOkAt;
      if (modelLoaded) {
        h.modelLoaded = true;
        h.everLoaded = true;
      }
      set(h, 'up');
    },
    reportAlive(h) {
      h.lastAliveAt = clock.now();
    },
    checkAll: () => Promise.allSettled(hosts.map(probeOne)).then(() => undefined),
    start() {
      if (timer === undefined) schedule();
    },
    close() {
      closed = true;
      clock.clearTimeout(timer);
    },
    onChange(fn) {
      listeners.push(fn);
    },
    onLost(fn) {
      lostListeners.push(fn);
    },
  };
}
