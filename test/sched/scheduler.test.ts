import { expect } from 'chai';
import { createHostPool, createScheduler, type HostPool, type Scheduler, type SchedTask } from '../../src/sched';
import { flushMicrotasks, VirtualClock } from '../../src/util/clock';
import { ClaudiaError } from '../../src/util/errors';
import { createSilentLogger } from '../../src/util/logger';
import type { Lane } from '../../src/util/telemetry';

/** A task whose outcome the test decides: the scheduler is generic, so a task is just a function. */
interface Ctl {
  started: string[];
  aborted: string[];
  finish(name: string, value?: string): void;
  fail(name: string, err: unknown): void;
}

function harness(
  opts: {
    hosts?: string[];
    slots?: number;
    laneMax?: Partial<Record<Lane, number>>;
    preempt?: boolean;
    reserve?: boolean;
    probe?: () => Promise<{ modelLoaded?: boolean }>;
    probeHost?: (url: string) => Promise<{ modelLoaded?: boolean }>;
  } = {},
) {
  const clock = new VirtualClock();
  const pool: HostPool<string> = createHostPool<string>({
    urls: opts.hosts ?? ['h1'],
    slots: opts.slots ?? 1,
    makeClient: (u) => u,
    probe: (host) => (opts.probeHost ? opts.probeHost(host.url) : (opts.probe ?? (async () => ({})))()),
    clock,
    logger: createSilentLogger(),
    intervalMs: 100,
    probeTimeoutMs: 50,
    reserveForHigh: opts.reserve ?? false,
  });
  const sched: Scheduler<string, string, string[]> = createScheduler<string, string, string[]>({
    pool,
    clock,
    logger: createSilentLogger(),
    limits: { laneMax: { urgent: 8, high: 8, medium: 8, low: 8, ...opts.laneMax }, preempt: opts.preempt ?? false, coalesce: true },
    isHostFailure: (e) => e instanceof ClaudiaError && e.message.includes('host down'),
  });
  const pending = new Map<string, { resolve(v: string): void; reject(e: unknown): void }>();
  const ctl: Ctl = {
    started: [],
    aborted: [],
    finish: (name, value) => pending.get(name)?.resolve(value ?? `done:${name}`),
    fail: (name, err) => pending.get(name)?.reject(err),
  };
  const hostsUsed: Record<string, string> = {};
  function task(name: string, lane: Lane, extra: Partial<SchedTask<string, string, string[]>> = {}): SchedTask<string, string, string[]> {
    return {
      lane,
      deadlineMs: 10_000,
      ...extra,
      run: ({ signal, host, progress }) =>
        new Promise<string>((resolve, reject) => {
          ctl.started.push(name);
          hostsUsed[name] = host.url;
          pending.set(name, { resolve, reject });
          (progressHooks.get(name) ?? (() => undefined))(progress);
          signal.addEventListener('abort', () => {
            ctl.aborted.push(name);
            reject(signal.reason);
          });
        }),
    };
  }
  const progressHooks = new Map<string, (p: (x: string[]) => void) => void>();
  return { clock, pool, sched, ctl, task, hostsUsed, progressHooks };
}

const settle = () => flushMicrotasks();
/** Attaches at once (no unhandled rejection) and resolves to the error code, or 'ok'. */
const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: ClaudiaError) => e.code as string);

describe('sched/scheduler: lanes, coalescing, supersede, backpressure, deadlines, preemption, fleet', () => {
  it('dispatches queued work by lane: urgent, high, medium, low', async () => {
    const h = harness();
    const all = [h.sched.submit(h.task('busy', 'low'))];
    await settle();
    for (const [n, l] of [['l', 'low'], ['m', 'medium'], ['hi', 'high'], ['u', 'urgent']] as const) all.push(h.sched.submit(h.task(n, l)));
    await settle();
    for (const n of ['busy', 'u', 'hi', 'm', 'l']) {
      h.ctl.finish(n);
      await settle();
    }
    await Promise.all(all);
    expect(h.ctl.started).to.deep.equal(['busy', 'u', 'hi', 'm', 'l']);
  });

  it('coalesces identical in-flight work: one run, every caller answered, only the leader gets progress', async () => {
    const h = harness();
    const seen: string[] = [];
    h.progressHooks.set('x', (p) => setImmediate(() => p(['sit'])));
    const callers = Array.from({ length: 5 }, (_, i) => h.sched.submit(h.task('x', 'high', { coalesceKey: 'k' }), { onProgress: () => seen.push(`c${i}`) }));
    await settle();
    h.ctl.finish('x', 'answer');
    const results = await Promise.all(callers);
    expect(h.ctl.started).to.deep.equal(['x']);
    expect(results.map((r) => r.value)).to.deep.equal(Array(5).fill('answer'));
    expect(results.map((r) => r.coalesced)).to.deep.equal([false, true, true, true, true]);
    expect(seen).to.deep.equal(['c0']);
    expect(h.sched.stats().coalesced).to.equal(4);
  });

  /** Three identical callers; the first leaves (aborted) with the stream before or after that moment. */
  async function leaderLeaves(streamsBeforeLeaving: boolean) {
    const h = harness();
    const seen: string[] = [];
    let stream: ((x: string[]) => void) | undefined;
    h.progressHooks.set('x', (p) => (streamsBeforeLeaving ? p(['sit']) : (stream = p)));
    const leaderCtl = new AbortController();
    const a = codeOf(h.sched.submit(h.task('x', 'high', { coalesceKey: 'k' }), { signal: leaderCtl.signal, onProgress: () => seen.push('a') }));
    await settle();
    const b = h.sched.submit(h.task('x', 'high', { coalesceKey: 'k' }), { onProgress: () => seen.push('b') });
    const c = h.sched.submit(h.task('x', 'high', { coalesceKey: 'k' }), { onProgress: () => seen.push('c') });
    leaderCtl.abort(new ClaudiaError('E_ABORTED', 'caller gone'));
    await settle();
    stream?.(['sit']);
    h.ctl.finish('x');
    return { leader: await a, followers: [(await b).coalesced, (await c).coalesced], seen, aborted: h.ctl.aborted };
  }

  it('when the leader leaves after progress streamed, nobody receives it again and every other caller is a follower (one decision, one execution)', async () => {
    const r = await leaderLeaves(true);
    expect(r.leader).to.equal('E_ABORTED');
    expect(r.followers).to.deep.equal([true, true]);
    expect(r.seen).to.deep.equal(['a']);
    expect(r.aborted).to.deep.equal([]); // the run went on for b and c
  });

  it('when the leader leaves before anything streamed, the next caller leads: it gets the progress and acts', async () => {
    const r = await leaderLeaves(false);
    expect(r.leader).to.equal('E_ABORTED');
    expect(r.followers).to.deep.equal([false, true]);
    expect(r.seen).to.deep.equal(['b']);
  });

  it('a preempted run that had streamed restarts, but its new stream is not handed out a second time', async () => {
    const h = harness({ preempt: true });
    const seen: string[] = [];
    h.progressHooks.set('low', (p) => p(['hello']));
    const low = h.sched.submit(h.task('low', 'low'), { onProgress: (p) => seen.push(p.join()) });
    await settle();
    const high = h.sched.submit(h.task('high', 'high'));
    await settle();
    h.ctl.finish('high');
    await settle();
    expect(h.ctl.started).to.deep.equal(['low', 'high', 'low']);
    h.ctl.finish('low');
    expect((await low).coalesced, 'the caller acted on the first stream: it leads').to.equal(false);
    expect(seen).to.deep.equal(['hello']);
    await high;
  });

  it('never coalesces work without a key (session-memory requests)', async () => {
    const h = harness({ slots: 2 });
    const p = [h.sched.submit(h.task('a', 'medium')), h.sched.submit(h.task('b', 'medium'))];
    await settle();
    expect(h.ctl.started).to.deep.equal(['a', 'b']);
    h.ctl.finish('a');
    h.ctl.finish('b');
    await Promise.all(p);
  });

  it('supersede: a newer command of the same session aborts the running one; other sessions are untouched', async () => {
    const h = harness({ slots: 2 });
    const old = codeOf(h.sched.submit(h.task('old', 'high', { sessionId: 's1', supersedes: true, coalesceKey: 'k1' })));
    const other = h.sched.submit(h.task('other', 'high', { sessionId: 's2', supersedes: true, coalesceKey: 'k2' }));
    await settle();
    const neu = h.sched.submit(h.task('new', 'high', { sessionId: 's1', supersedes: true, coalesceKey: 'k3' }));
    await settle();
    expect(await old).to.equal('E_SUPERSEDED');
    expect(h.ctl.aborted).to.deep.equal(['old']);
    await settle();
    expect(h.ctl.started).to.include('new');
    h.ctl.finish('new');
    h.ctl.finish('other');
    expect((await neu).value).to.equal('done:new');
    expect((await other).value).to.equal('done:other');
    expect(h.sched.stats().superseded).to.equal(1);
  });

  it('supersede also removes a queued command before it ever runs', async () => {
    const h = harness();
    const blocker = h.sched.submit(h.task('blocker', 'high'));
    const queued = codeOf(h.sched.submit(h.task('q', 'high', { sessionId: 's', supersedes: true, coalesceKey: 'a' })));
    const neu = h.sched.submit(h.task('n', 'high', { sessionId: 's', supersedes: true, coalesceKey: 'b' }));
    expect(await queued).to.equal('E_SUPERSEDED');
    h.ctl.finish('blocker');
    await settle();
    h.ctl.finish('n');
    await Promise.all([blocker, neu]);
    expect(h.ctl.started).to.deep.equal(['blocker', 'n']);
  });

  it('a full low or medium lane answers busy at once; high and urgent are never turned away', async () => {
    const h = harness({ laneMax: { low: 1, medium: 1, high: 1, urgent: 1 } });
    const busy = h.sched.submit(h.task('busy', 'high'));
    await settle();
    const low1 = codeOf(h.sched.submit(h.task('low1', 'low')));
    expect(await codeOf(h.sched.submit(h.task('low2', 'low')))).to.equal('E_QUEUE_FULL');
    const med1 = codeOf(h.sched.submit(h.task('med1', 'medium')));
    expect(await codeOf(h.sched.submit(h.task('med2', 'medium')))).to.equal('E_QUEUE_FULL');
    const highs = [h.sched.submit(h.task('hi1', 'high')), h.sched.submit(h.task('hi2', 'high')), h.sched.submit(h.task('hi3', 'high'))];
    const urgents = [h.sched.submit(h.task('u1', 'urgent')), h.sched.submit(h.task('u2', 'urgent'))];
    // Room for the extra urgent/high work came from the queued low and medium jobs.
    expect(await low1).to.equal('E_QUEUE_FULL');
    expect(await med1).to.equal('E_QUEUE_FULL');
    for (const n of ['busy', 'u1', 'u2', 'hi1', 'hi2', 'hi3']) {
      h.ctl.finish(n);
      await settle();
    }
    await Promise.all([busy, ...highs, ...urgents]);
    expect(h.sched.stats().rejectedBusy).to.equal(2);
  });

  it('a caller whose deadline passes gets E_LLM_TIMEOUT and the run is aborted', async () => {
    const h = harness();
    const p = codeOf(h.sched.submit(h.task('slow', 'medium', { deadlineMs: 500 })));
    await settle();
    await h.clock.advance(499);
    expect(h.ctl.aborted).to.deep.equal([]);
    await h.clock.advance(1);
    expect(await p).to.equal('E_LLM_TIMEOUT');
    expect(h.ctl.aborted).to.deep.equal(['slow']);
  });

  it('1 slot: high-priority work preempts running low work, which restarts afterwards', async () => {
    const h = harness({ preempt: true });
    const low = h.sched.submit(h.task('low', 'low'));
    await settle();
    const high = h.sched.submit(h.task('high', 'high'));
    await settle();
    expect(h.ctl.aborted).to.deep.equal(['low']);
    expect(h.ctl.started).to.deep.equal(['low', 'high']);
    h.ctl.finish('high');
    await settle();
    expect(h.ctl.started).to.deep.equal(['low', 'high', 'low']);
    h.ctl.finish('low');
    expect((await low).preemptions).to.equal(1);
    await high;
  });

  it('without preemption, high work waits for the running low work', async () => {
    const h = harness({ preempt: false });
    const low = h.sched.submit(h.task('low', 'low'));
    await settle();
    const high = h.sched.submit(h.task('high', 'high'));
    await settle();
    expect(h.ctl.aborted).to.deep.equal([]);
    h.ctl.finish('low');
    await settle();
    h.ctl.finish('high');
    await Promise.all([low, high]);
  });

  it('multi-slot host with a reserved slot: low work uses at most slots-1, high gets the last one', async () => {
    const h = harness({ slots: 3, reserve: true });
    const lows = ['l1', 'l2', 'l3'].map((n) => h.sched.submit(h.task(n, 'low')));
    await settle();
    expect(h.ctl.started).to.deep.equal(['l1', 'l2']);
    const high = h.sched.submit(h.task('hi', 'high'));
    await settle();
    expect(h.ctl.started).to.deep.equal(['l1', 'l2', 'hi']);
    for (const n of ['hi', 'l1', 'l2']) h.ctl.finish(n);
    await settle();
    h.ctl.finish('l3');
    await Promise.all([...lows, high]);
  });

  it('fleet: least-outstanding host; a failing host is taken out, the work retried elsewhere, and probed back in', async () => {
    const down = new Set<string>();
    const f = harness({ hosts: ['h1', 'h2'], probeHost: async (url: string) => (down.has(url) ? Promise.reject(new Error('refused')) : {}) });
    f.pool.start();
    const a = f.sched.submit(f.task('a', 'high'));
    const b = f.sched.submit(f.task('b', 'high'));
    await settle();
    expect(new Set([f.hostsUsed['a'], f.hostsUsed['b']])).to.deep.equal(new Set(['h1', 'h2']));
    f.ctl.finish('b');
    await b;
    const failedHost = f.hostsUsed['a'] as string;
    down.add(failedHost);
    f.ctl.fail('a', new ClaudiaError('E_LLM_UNAVAILABLE', 'host down: connection refused'));
    await settle();
    expect(f.pool.hosts.find((x) => x.url === failedHost)?.health).to.equal('down');
    expect(f.ctl.started).to.deep.equal(['a', 'b', 'a']);
    f.ctl.finish('a');
    expect((await a).host).to.not.equal(failedHost);
    await f.clock.advance(150);
    expect(f.pool.hosts.find((x) => x.url === failedHost)?.health).to.equal('down');
    down.clear();
    await f.clock.advance(150);
    expect(f.pool.hosts.every((x) => x.health === 'up')).to.equal(true);
    await f.sched.close();
    f.pool.close();
  });

  it('rejects at once with E_LLM_UNAVAILABLE when every host is down', async () => {
    const h = harness({ probe: () => Promise.reject(new Error('refused')) });
    await h.pool.checkAll();
    expect(await h.sched.submit(h.task('x', 'high')).catch((e: ClaudiaError) => e.code)).to.equal('E_LLM_UNAVAILABLE');
    h.pool.close();
  });

  it('a more urgent caller lifts a queued shared job into its lane', async () => {
    const h = harness();
    const busy = h.sched.submit(h.task('busy', 'low'));
    await settle();
    const med = h.sched.submit(h.task('other', 'medium'));
    const shared = h.sched.submit(h.task('shared', 'low', { coalesceKey: 'k' }));
    const urgentJoin = h.sched.submit(h.task('shared', 'urgent', { coalesceKey: 'k' }));
    await settle();
    expect(h.sched.depth()).to.deep.equal({ urgent: 1, high: 0, medium: 1, low: 0 });
    h.ctl.finish('busy');
    await settle();
    expect(h.ctl.started).to.deep.equal(['busy', 'shared']);
    h.ctl.finish('shared');
    await settle();
    h.ctl.finish('other');
    await Promise.all([busy, med, shared, urgentJoin]);
  });

  it('reports through telemetry and status()', async () => {
    const clock = new VirtualClock();
    const events: string[] = [];
    const pool = createHostPool<string>({ urls: ['h1'], slots: 1, makeClient: (u) => u, probe: async () => ({}), clock, logger: createSilentLogger(), intervalMs: 0, probeTimeoutMs: 50, reserveForHigh: true });
    const sched = createScheduler<string, string, string[]>({
      pool,
      clock,
      logger: createSilentLogger(),
      telemetry: { emit: (e) => void (e.type === 'sched' && events.push(`${e.event}:${e.lane}`)), on: () => () => undefined },
      limits: { laneMax: { urgent: 1, high: 1, medium: 1, low: 1 }, preempt: true, coalesce: true },
      isHostFailure: () => false,
    });
    const never = { run: ({ signal }: { signal: AbortSignal }) => new Promise<string>((_, rej) => signal.addEventListener('abort', () => rej(signal.reason))) };
    const low = codeOf(sched.submit({ lane: 'low', deadlineMs: 100, ...never }));
    await settle();
    const low2 = codeOf(sched.submit({ lane: 'low', deadlineMs: 100, ...never }));
    const low3 = codeOf(sched.submit({ lane: 'low', deadlineMs: 100, ...never }));
    expect(await low3).to.equal('E_QUEUE_FULL');
    const st = sched.status();
    expect(st.level).to.equal('warn');
    expect(st.values['queue_low']).to.equal(1);
    expect(st.values['running']).to.equal(1);
    const hi = codeOf(sched.submit({ lane: 'high', deadlineMs: 100, coalesceKey: 'x', ...never }));
    const hi2 = codeOf(sched.submit({ lane: 'high', deadlineMs: 100, coalesceKey: 'x', ...never }));
    await settle();
    await clock.advance(100);
    expect(await hi).to.equal('E_LLM_TIMEOUT');
    expect(await hi2).to.equal('E_LLM_TIMEOUT');
    expect(await low2).to.equal('E_LLM_TIMEOUT');
    expect(await low).to.equal('E_LLM_TIMEOUT');
    for (const e of ['enqueued:low', 'dispatched:low', 'rejected_busy:low', 'enqueued:high', 'coalesced:high', 'preempted:low', 'timeout:high']) expect(events, e).to.include(e);
    expect(sched.stats()).to.include({ rejectedBusy: 1, coalesced: 1, preempted: 1 });
    await sched.close();
    expect(sched.status().level).to.equal('stale');
  });

  it('shutdown rejects running and queued work with E_ABORTED and aborts the calls', async () => {
    const h = harness();
    const running = codeOf(h.sched.submit(h.task('r', 'high')));
    const queued = codeOf(h.sched.submit(h.task('q', 'low')));
    await settle();
    await h.sched.close();
    expect(await running).to.equal('E_ABORTED');
    expect(await queued).to.equal('E_ABORTED');
    expect(h.ctl.aborted).to.deep.equal(['r']);
    expect(await h.sched.submit(h.task('late', 'high')).catch((e: ClaudiaError) => e.code)).to.equal('E_ABORTED');
    h.pool.close();
  });
});
