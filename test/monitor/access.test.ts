import { expect } from 'chai';
import { networkInterfaces } from 'node:os';
import { configWith } from '../../src/config/load';
import { createMonitor, type Monitor } from '../../src/monitor';
import { createSystemClock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';
import { createTelemetry, type StatusSource } from '../../src/util/telemetry';
import { httpGet, statusSource } from './helpers';

/** A non-loopback IPv4 address of this machine, so a test can be a "remote" client. */
function lanAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((i) => i && !i.internal && i.family === 'IPv4')?.address;
}

describe('monitor access and /healthz', () => {
  let monitor: Monitor | undefined;
  afterEach(async () => {
    await monitor?.close();
    monitor = undefined;
  });

  async function start(over: { host?: string; token?: string }, sources: StatusSource[] = []) {
    monitor = createMonitor({
      config: configWith({ metrics: { port: 0, host: over.host ?? '127.0.0.1', token: over.token ?? '' }, diagnostics: { enabled: false } }),
      telemetry: createTelemetry(),
      statusSources: () => sources,
      clock: createSystemClock(),
      logger: createSilentLogger(),
    });
    const where = await monitor.start();
    return where?.port ?? 0;
  }

  it('without a token serves loopback clients only', async function () {
    const lan = lanAddress();
    if (!lan) this.skip(); // needs a second address to be a remote client
    const port = await start({ host: '0.0.0.0' });
    expect((await httpGet(`http://127.0.0.1:${port}/metrics`)).status).to.equal(200);
    const remote = await httpGet(`http://${lan}:${port}/metrics`);
    expect(remote.status).to.equal(403);
    expect((await httpGet(`http://${lan}:${port}/`)).status).to.equal(403);
    // DNS rebinding: a loopback connection that names a foreign host is refused.
    expect((await httpGet(`http://127.0.0.1:${port}/metrics`, { Host: 'attacker.example:80' })).status).to.equal(403);
  });

  it('with a token serves any client that presents it, and no one else', async function () {
    const lan = lanAddress();
    if (!lan) this.skip();
    const port = await start({ host: '0.0.0.0', token: 's3cret' });
    for (const host of ['127.0.0.1', lan]) {
      expect((await httpGet(`http://${host}:${port}/metrics`)).status, host).to.equal(401);
      expect((await httpGet(`http://${host}:${port}/metrics`, { Authorization: 'Bearer s3cret' })).status, host).to.equal(200);
      expect((await httpGet(`http://${host}:${port}/?token=s3cret`)).status, host).to.equal(200);
    }
  });

  it('refuses a port in use with a clear configuration error', async () => {
    const port = await start({});
    const second = createMonitor({
      config: configWith({ metrics: { port }, diagnostics: { enabled: false } }),
      telemetry: createTelemetry(),
      statusSources: () => [],
      clock: createSystemClock(),
      logger: createSilentLogger(),
    });
    let err: (Error & { code?: string }) | undefined;
    await second.start().catch((e: Error) => (err = e));
    await second.close();
    expect(err?.code).to.equal('E_CONFIG');
    expect(err?.message).to.match(new RegExp(`metrics.port ${port} .* is in use; set metrics.port \\(or --metrics-port`));
  });

  it('/healthz is 200 (degraded) while only Ollama or the cache fail, 503 once a core component is in ERROR', async () => {
    const ollama = statusSource('ollama', { level: 'ok', message: 'up', values: {} });
    const cache = statusSource('cache', { level: 'ok', message: 'memory + redis', values: {} });
    const motion = statusSource('motion', { level: 'ok', message: 'idle', values: {} });
    const port = await start({}, [ollama, cache, motion]);
    const get = async () => {
      const r = await httpGet(`http://127.0.0.1:${port}/healthz`);
      return { status: r.status, body: JSON.parse(r.body) as { status: string; components: Array<{ component: string; level: string }> } };
    };
    let r = await get();
    expect(r.status).to.equal(200);
    expect(r.body.status).to.equal('ok');
    cache.set({ level: 'warn', message: 'redis down', values: {} });
    r = await get();
    expect(r.status).to.equal(200);
    expect(r.body.status).to.equal('degraded');
    ollama.set({ level: 'error', message: 'unreachable', values: {} });
    r = await get();
    expect(r.status, 'reflex-only mode still keeps the robot safe').to.equal(200);
    expect(r.body.status).to.equal('degraded');
    motion.set({ level: 'error', message: 'publish failed', values: {} });
    r = await get();
    expect(r.status).to.equal(503);
    expect(r.body.status).to.equal('error');
    expect(r.body.components.map((c) => `${c.component}:${c.level}`)).to.deep.equal(['ollama:error', 'cache:warn', 'motion:error']);
  });
});
