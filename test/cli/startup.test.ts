import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createApp } from '../../src/app';
import { startNode } from '../../src/cli/run';
import { configWith, type DeepPartial } from '../../src/config/load';
import type { Config } from '../../src/config/types';
import { MSG, type LlmQueryRequestMsg, type LlmQueryResponseMsg } from '../../src/ros/messages';
import { createMemoryTransport, MemoryGraph } from '../../src/ros/memory-transport';
import { createSystemClock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';
import { attachGo2Peer } from '../helpers/go2-peer';
import { prepareDdsEnv, runPeer } from '../ros/dds-env';

const ROOT = path.join(__dirname, '..', '..');

/** A node that failed to start must be gone from the graph: no StopMove for a stop word, no service answer. */
async function expectNothingLeft(graph: MemoryGraph): Promise<void> {
  const clock = createSystemClock();
  const go2 = attachGo2Peer(graph, clock);
  const peer = createMemoryTransport({ graph, namespace: '/', clock, logger: createSilentLogger() });
  try {
    peer.createPublisher<{ data: string }>(MSG.String, '/claudia/speech_text').publish({ data: '止まって' });
    const answer = await peer
      .createClient<Partial<LlmQueryRequestMsg>, LlmQueryResponseMsg>(MSG.LlmQuery, '/claudia/llm_query')
      .call({ text: 'お手' }, { timeoutMs: 300 })
      .then((r) => r, (e: Error) => e);
    await new Promise((r) => setTimeout(r, 100));
    expect(go2.apiIds(), 'nothing published').to.deep.equal([]);
    expect(answer, 'no service answer').to.be.instanceOf(Error);
  } finally {
    await peer.close();
    await go2.close();
  }
}

async function failedStart(overrides: DeepPartial<Config>): Promise<{ error: string; graph: MemoryGraph }> {
  const graph = new MemoryGraph();
  const config = configWith({ ollama: { enabled: false }, cache: { enabled: false }, ...overrides });
  const error = await startNode(config, { logger: createSilentLogger(), graph, clock: createSystemClock() }).then(
    ({ shutdown }) => {
      shutdown('test');
      return 'started';
    },
    (e: Error) => e.message,
  );
  return { error, graph };
}

describe('start-up is all or nothing', function () {
  this.timeout(30000);

  it('an audit directory that cannot be created: refused, and every started component is closed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'claudia-startup-'));
    writeFileSync(path.join(dir, 'a-file'), 'x');
    const { error, graph } = await failedStart({ metrics: { enabled: false }, audit: { path: path.join(dir, 'a-file', 'sub', 'audit.jsonl') } });
    expect(error).to.match(/^audit\.path .* cannot be created/);
    await expectNothingLeft(graph);
  });

  it('a non-local metrics.host that cannot be bound: refused, and every started component is closed', async () => {
    const { error, graph } = await failedStart({ metrics: { enabled: true, host: '192.0.2.1', port: 0 } });
    expect(error).to.match(/^cannot serve metrics on 192\.0\.2\.1:0/);
    await expectNothingLeft(graph);
  });

  it('audit.path under /proc, a directory or a device is refused before anything runs', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'claudia-startup-'));
    for (const [p, why] of [['/proc/self/audit.jsonl', /under \/proc/], [dir, /not a regular file \(a directory\)/], ['/dev/null', /under \/dev/]] as const) {
      const graph = new MemoryGraph();
      const config = configWith({ ollama: { enabled: false }, cache: { enabled: false }, metrics: { enabled: false }, audit: { path: p } });
      const err = await createApp(config, { logger: createSilentLogger(), graph }).then(() => undefined, (e: Error) => e);
      expect(err?.message, p).to.match(why);
      await expectNothingLeft(graph);
    }
  });

  describe('a second node on a taken metrics port (processes, the C peer as robot and caller)', function () {
    const env = prepareDdsEnv();
    before(function () {
      if (env.peerSkip) this.skip();
    });

    it('exits non-zero with one clear line, publishes nothing and answers no service call', async () => {
      // The port a first node holds (a plain listener holds it the same way).
      const busy = net.createServer();
      await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
      const port = (busy.address() as net.AddressInfo).port;
      try {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', 'run', '--transport', 'dds', '--no-llm', '--no-console', '--metrics-port', String(port),
          '--ros-args', '-r', '__ns:=/dog2', '-p', 'robot.settle_ms:=0', '-p', 'cache.redis_enabled:=false'], { cwd: ROOT, env: env.env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.stdout.on('data', (c: Buffer) => (stderr += c.toString()));
        const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
        // While it starts and after: a stop word on its speech topic and a call to its service.
        const [robot, caller] = await Promise.all([
          runPeer(env, ['go2', '--ns', '/dog2', '--speech-topic', 'speech_text', '--text', 'stop', '--expect', '1', '--timeout-ms', '6000'], { limitMs: 10000 }),
          runPeer(env, ['call', '--service', '/dog2/llm_query', '--seq', '1', '--text', 'お手', '--lang', 'ja', '--timeout-ms', '6000'], { limitMs: 10000 }),
        ]);
        const code = await Promise.race([exited, new Promise<'alive'>((r) => setTimeout(() => r('alive'), 15000))]);
        if (code === 'alive') child.kill('SIGKILL');
        expect(code, stderr).to.equal(1);
        const failures = stderr.split('\n').filter((l) => /start-up failed/.test(l));
        expect(failures, stderr).to.have.length(1);
        expect(failures[0]).to.match(new RegExp(`start-up failed: E_CONFIG: metrics.port ${port} on 127.0.0.1 is in use`));
        expect(stderr).not.to.match(/claudia_llm up/);
        expect(robot.lines.filter((l) => l.kind === 'request'), 'nothing published').to.deep.equal([]);
        expect(caller.lines.filter((l) => l.kind === 'reply'), 'no service answer').to.deep.equal([]);
      } finally {
        await new Promise((r) => busy.close(r));
      }
    });
  });
});
