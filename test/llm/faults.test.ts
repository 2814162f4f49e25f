import { expect } from 'chai';
import * as net from 'node:net';
import { createLlmDecider, type FullLlmDecider } from '../../src/llm';
import { createOllamaSimulator, JETSON_PROFILE, type OllamaSimulator } from '../../src/llm/simulator';
import { createSystemClock } from '../../src/util/clock';
import type { ClaudiaError } from '../../src/util/errors';
import { createSilentLogger } from '../../src/util/logger';
import { catalogue, llmConfig, request } from './llm-fixtures';

const sig = () => new AbortController().signal;
const outcome = (p: Promise<{ reply: string }>) => p.then((d) => `ok:${d.reply}`, (e: ClaudiaError) => `${e.code}: ${e.message}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SCRIPT = [{ match: '座って', content: { a: ['sit'], r: '座ります' } }];

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('llm faults: every request ends with a reply or a clear error, and recovery is automatic', () => {
  const sims: OllamaSimulator[] = [];
  let llm: FullLlmDecider | undefined;
  const make = (o: Parameters<typeof createOllamaSimulator>[0] = {}) => {
    const s = createOllamaSimulator({ profile: 'fast', script: SCRIPT, ...o });
    sims.push(s);
    return s;
  };
  const decider = (hosts: string[], extra: Parameters<typeof llmConfig>[1] = {}) => {
    llm = createLlmDecider({ config: llmConfig(hosts, extra), catalogue: catalogue(), clock: createSystemClock(), logger: createSilentLogger() });
    return llm;
  };

  afterEach(async () => {
    await llm?.close();
    llm = undefined;
    await Promise.all(sims.splice(0).map((s) => s.close()));
  });

  it('Ollama down at start: clear E_LLM_UNAVAILABLE, available() false; back in service once it starts', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const l = decider([url]);
    const first = await outcome(l.decide(request('座って'), { signal: sig() }));
    expect(first).to.match(/^E_LLM_UNAVAILABLE: .*127\.0\.0\.1/);
    await until(() => !l.available(), 'host marked down');
    expect(l.statusSources().find((s) => s.component === 'ollama')?.status().level).to.equal('error');
    await make().listen(port);
    await until(() => l.available(), 'host probed back in');
    expect(await outcome(l.decide(request('座って'), { signal: sig() }))).to.equal('ok:座ります');
  });

  it('killed mid-stream: the request fails clearly, and the restarted server is used again', async () => {
    const sim = make({ profile: { ...JETSON_PROFILE, loadMs: 0, prefillTokPerS: 1e6, decodeTokPerS: 50 } });
    const url = await sim.listen();
    const port = Number(new URL(url).port);
    const l = decider([url]);
    const pending = outcome(l.decide(request('座って'), { signal: sig() }));
    await until(() => sim.stats().chat === 1, 'stream started');
    await sleep(60);
    await sim.close();
    expect(await pending).to.match(/^E_LLM_UNAVAILABLE/);
    const again = make();
    await again.listen(port);
    await until(() => l.available() && l.inspect().hosts[0]?.health === 'up', 'host back');
    expect(await outcome(l.decide(request('座って'), { signal: sig() }))).to.equal('ok:座ります');
  });

  it('server gone with 20 requests in flight, only one connection reset: all 20 fail with E_LLM_UNAVAILABLE, none waits for its deadline', async function () {
    // A TCP proxy in front of the simulator: "kill" stops it accepting, resets one connection
    // and leaves the others silent (a machine that vanished resets nothing).
    const sim = make({ profile: { ...JETSON_PROFILE, loadMs: 0, prefillTokPerS: 1e6, decodeTokPerS: 20 }, slots: 4 });
    const target = new URL(await sim.listen());
    const sockets: net.Socket[] = [];
    const proxy = net.createServer((client) => {
      const up = net.connect(Number(target.port), target.hostname);
      sockets.push(client, up);
      client.pipe(up).pipe(client);
      client.on('error', () => undefined);
      up.on('error', () => undefined);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    const l = decider([url], { ollama: { num_parallel: 4 } });
    const calls = Array.from({ length: 20 }, (_, i) => outcome(l.decide(request(`walk number ${i}`, { timeoutMs: 60_000 }), { signal: sig() })));
    await until(() => sim.stats().chat >= 4, 'four streams running');
    await sleep(50);
    proxy.close();
    for (const s of sockets) {
      s.unpipe();
      s.pause();
    }
    sockets[0]?.resetAndDestroy();
    // The mocha timeout (10 s) is far below the deadline (20 s for the high lane): waiting for it fails the test.
    this.timeout(10_000);
    const results = await Promise.all(calls);
    expect(results.every((r) => r.startsWith('E_LLM_UNAVAILABLE'))).to.equal(true);
    for (const s of sockets) s.destroy();
  });

  it('connection dropped mid-stream (drop mode) -> clear error; next request succeeds', async () => {
    const sim = make();
    const l = decider([await sim.listen()]);
    sim.setMode('drop');
    expect(await outcome(l.decide(request('座って'), { signal: sig() }))).to.match(/^E_LLM_UNAVAILABLE/);
    sim.setMode('normal');
    await until(() => l.available() && l.inspect().hosts[0]?.health === 'up', 'host back');
    expect(await outcome(l.decide(request('座って'), { signal: sig() }))).to.equal('ok:座ります');
  });

  it('503 -> E_LLM_UNAVAILABLE saying busy; the host stays in service', async () => {
    const sim = make();
    const l = decider([await sim.listen()]);
    sim.setMode('http503');
    expect(await outcome(l.decide(request('座って'), { signal: sig() }))).to.match(/^E_LLM_UNAVAILABLE: .*busy \(503/);
    expect(l.available()).to.equal(true);
    sim.setMode('normal');
    expect(await outcome(l.decide(request('座って'), { signal: sig() }))).to.equal('ok:座ります');
  });

  it('garbage -> E_LLM_BAD_OUTPUT, the stream is closed early; next request succeeds', async () => {
    const sim = make();
    const l = decider([await sim.listen()]);
    sim.setMode('garbage');
    expect(await outcome(l.decide(request('座って'), { signal: sig() }))).to.match(/^E_LLM_BAD_OUTPUT: .*expected JSON/);
    sim.setMode('normal');
    expect(await outcome(l.decide(request('座って'), { signal: sig() }))).to.equal('ok:座ります');
  });

  it('stalling past the deadline -> E_LLM_TIMEOUT, the HTTP request is aborted; next request succeeds', async () => {
    const sim = make();
    const l = decider([await sim.listen()]);
    sim.setMode('stall');
    expect(await outcome(l.decide(request('座って', { timeoutMs: 300 }), { signal: sig() }))).to.match(/^E_LLM_TIMEOUT/);
    await until(() => sim.stats().aborted === 1, 'simulator sees the client go away');
    sim.setMode('normal');
    expect(await outcome(l.decide(request('座って'), { signal: sig() }))).to.equal('ok:座ります');
  });

  it('stalling before the response headers (non-streaming) is aborted by the deadline too', async () => {
    const sim = make();
    const l = decider([await sim.listen()], { sched: { streaming: false } });
    sim.setMode('stall');
    expect(await outcome(l.decide(request('座って', { timeoutMs: 200 }), { signal: sig() }))).to.match(/^E_LLM_TIMEOUT/);
    await until(() => sim.stats().aborted === 1, 'simulator sees the client go away');
  });

  it('fleet: one host killed -> its work moves to the other host; the host is probed back in after restart', async () => {
    const a = make();
    const b = make();
    const urlA = await a.listen();
    const urlB = await b.listen();
    const l = decider([urlA, urlB], { ollama: { num_parallel: 1 } });
    await l.warmup();
    await a.close();
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => outcome(l.decide(request(`座って`, { sessionId: `s${i}` }), { signal: sig() }))));
    expect(results.every((r) => r === 'ok:座ります')).to.equal(true);
    await until(() => l.inspect().hosts[0]?.health === 'down', 'host A marked down');
    expect(l.statusSources().find((s) => s.component === 'ollama')?.status().level).to.equal('warn');
    const again = make();
    await again.listen(Number(new URL(urlA).port));
    await until(() => l.inspect().hosts.every((h) => h.health === 'up'), 'host A probed back in');
  });

  it('shutdown rejects pending LLM work with E_ABORTED', async () => {
    const sim = make({ profile: { ...JETSON_PROFILE, loadMs: 0, prefillTokPerS: 1e6, decodeTokPerS: 20 } });
    const l = decider([await sim.listen()]);
    const p = outcome(l.decide(request('座って'), { signal: sig() }));
    await until(() => sim.stats().chat === 1, 'call started');
    await l.close();
    expect(await p).to.match(/^E_ABORTED/);
    expect(l.available()).to.equal(false);
  });
});

describe('llm faults after the action list', () => {
  it('a stream cut after the complete "a" field keeps the (already streamed) actions and answers with a canned reply', async () => {
    const sim = createOllamaSimulator({ profile: { ...JETSON_PROFILE, loadMs: 0, prefillTokPerS: 1e6, decodeTokPerS: 200 }, script: [{ match: '座って', content: { a: ['sit'], r: 'はい、座ります。ちょっと待ってくださいね。' } }] });
    const url = await sim.listen();
    const llm = createLlmDecider({ config: llmConfig([url]), catalogue: catalogue(), clock: createSystemClock(), logger: createSilentLogger() });
    try {
      let streamed: unknown;
      const pending = llm.decide(request('座って'), {
        signal: sig(),
        onActions: (a) => {
          streamed = a;
          void sim.close(); // killed right after the actions went out
        },
      });
      const d = await pending;
      expect(streamed).to.deep.equal([{ name: 'sit' }]);
      expect(d.actions).to.deep.equal([{ name: 'sit' }]);
      expect(d.reply).to.equal('座ります。');
      expect(d.cacheable).to.equal(false);
    } finally {
      await llm.close();
      await sim.close();
    }
  });
});
