import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import WebSocket from 'ws';
import { startAppRig, type AppRig } from './app-rig';
import { httpGet, parseProm, waitFor } from './helpers';

const TOKEN = 'test-token-0123456789';
const MAX_CLIENTS = 8;

interface AttackStats {
  attempts: number;
  opened: number;
  status: Record<string, number>;
  garbageSent: number;
  rawHandshakes: number;
  slowloris: number;
  slowlorisClosed: number;
  held: number;
}

function runAttacker(port: number): Promise<AttackStats> {
  const script = path.join(__dirname, 'fixtures', 'ws-attacker.cjs');
  const args = { port, token: TOKEN, attempts: 1000, concurrency: 100, holdMs: 2500, slowlorisMaxMs: 12_000 };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim()) as AttackStats) : reject(new Error(`attacker exited ${code}: ${err}`))));
  });
}

const fds = () => readdirSync('/proc/self/fd').length;

describe('monitor under abuse (attacker in a child process)', function () {
  this.timeout(30_000);
  let rig: AppRig;

  before(async () => {
    rig = await startAppRig({
      llm: false,
      overrides: { metrics: { token: TOKEN, max_ws_clients: MAX_CLIENTS } },
      tuning: { dashboardTickMs: 100, ws: { pingIntervalMs: 400, maxBufferedBytes: 64 * 1024 } },
    });
  });
  after(() => rig?.close());

  it('asks for the token on every route but the static assets', async () => {
    const base = rig.url;
    expect((await httpGet(`${base}/metrics`)).status).to.equal(401);
    expect((await httpGet(`${base}/metrics`, { Authorization: 'Bearer wrong' })).status).to.equal(401);
    expect((await httpGet(`${base}/metrics?token=wrong`)).status).to.equal(401);
    expect((await httpGet(`${base}/`)).status).to.equal(401);
    expect((await httpGet(`${base}/healthz`)).status).to.equal(401);
    expect((await httpGet(`${base}/metrics`, { Authorization: `Bearer ${TOKEN}` })).status).to.equal(200);
    expect((await httpGet(`${base}/metrics?token=${TOKEN}`)).status).to.equal(200);
    expect((await httpGet(`${base}/static/chart.umd.js`)).status).to.equal(200);
    expect((await httpGet(`${base}/static/../../package.json`)).status).to.equal(401);
    expect((await httpGet(`${base}/nope?token=${TOKEN}`)).status).to.equal(404);
    // A page of another site may not open the socket, even with the token.
    const crossSite = new WebSocket(`${base.replace('http', 'ws')}/ws?token=${TOKEN}`, { origin: 'http://evil.example' });
    const status = await new Promise<number>((resolve) => {
      crossSite.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
      crossSite.on('open', () => resolve(101));
      crossSite.on('error', () => resolve(-1));
    });
    crossSite.terminate();
    expect(status).to.equal(403);
  });

  it('stays within its client limit through 1,000 connection attempts, bad frames and wrong tokens, and keeps serving', async () => {
    const port = new URL(rig.url).port;
    const auth = { Authorization: `Bearer ${TOKEN}` };
    const fdsBefore = fds();
    let maxClients = 0;
    const sampler = setInterval(() => (maxClients = Math.max(maxClients, rig.monitor.wsClients())), 2);
    // The node's own work goes on during the attack: scrapes and requests through the pipeline.
    let scrapes = 0;
    let scrapeFailures = 0;
    let answers = 0;
    let serving = true;
    const service = (async () => {
      while (serving) {
        try {
          const r = await httpGet(`${rig.url}/metrics`, auth);
          if (r.status === 200 && r.body.includes('claudia_requests_total')) scrapes++;
          else scrapeFailures++;
        } catch {
          scrapeFailures++;
        }
        const rec = await rig.app.pipeline.handle({ text: 'バク転して', origin: 'cli' });
        if (rec.source === 'reflex') answers++;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    const t0 = Date.now();
    const stats = await runAttacker(Number(port));
    const attackMs = Date.now() - t0;
    serving = false;
    await service;
    clearInterval(sampler);

    // What the attacker saw: most were refused at once; at most MAX_CLIENTS ever got in at a time.
    expect(stats.attempts).to.equal(1000);
    expect(stats.status['401'] ?? 0, 'wrong or missing token').to.equal(300);
    expect(stats.status['503'] ?? 0, 'over capacity').to.be.greaterThan(500);
    expect(stats.opened).to.be.at.least(MAX_CLIENTS);
    expect(stats.rawHandshakes + stats.opened).to.be.lessThan(1000);
    expect(stats.slowlorisClosed, 'slow header senders are cut off by the server').to.equal(stats.slowloris);
    expect(maxClients).to.be.at.most(MAX_CLIENTS);

    // What the node saw: it dropped garbage senders and never-readers, and kept serving.
    expect(scrapes).to.be.greaterThan(5);
    expect(scrapeFailures).to.equal(0);
    expect(answers).to.equal(scrapes);
    await waitFor(() => rig.monitor.wsClients() === 0, 5000, 'held clients to be dropped');
    const m = parseProm((await httpGet(`${rig.url}/metrics`, auth)).body);
    expect(m.get('claudia_dashboard_ws_rejected_total{reason="auth"}')).to.equal(300);
    expect(m.get('claudia_dashboard_ws_rejected_total{reason="capacity"}')).to.be.greaterThan(500);
    expect(m.get('claudia_dashboard_ws_dropped_total{reason="garbage"}') ?? 0).to.be.greaterThan(0);
    expect(m.get('claudia_dashboard_ws_dropped_total{reason="pong_timeout"}') ?? 0).to.be.greaterThan(0);
    expect(m.get('claudia_dashboard_ws_clients')).to.equal(0);
    // File descriptors back near where they were (sockets released, nothing leaked per attempt).
    await waitFor(() => fds() <= fdsBefore + 10, 5000, `fds ${fds()} to return near ${fdsBefore}`);

    // A legitimate dashboard still connects and gets its hello.
    const ws = new WebSocket(`${rig.url.replace('http', 'ws')}/ws?token=${TOKEN}`);
    const hello = await new Promise<{ type: string }>((resolve, reject) => {
      ws.once('message', (d) => resolve(JSON.parse(d.toString()) as { type: string }));
      ws.once('error', reject);
    });
    ws.close();
    expect(hello.type).to.equal('hello');
    if (process.env.CLAUDIA_TEST_VERBOSE) console.log(JSON.stringify({ attackMs, maxClients, scrapes, stats }));
  });
});
