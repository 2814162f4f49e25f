import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { startNode } from '../../src/cli/run';
import { configWith } from '../../src/config/load';
import { createOllamaSimulator } from '../../src/llm/simulator';
import { MSG } from '../../src/ros/messages';
import { createMemoryTransport, MemoryGraph } from '../../src/ros/memory-transport';
import { createSystemClock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';
import { attachGo2Peer } from '../helpers/go2-peer';
import { waitFor } from '../helpers/app-harness';

const ROOT = path.join(__dirname, '..', '..');
const ENTRY = path.join(ROOT, 'src', 'cli', 'entry.ts');

function cli(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}) {
  return spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('claudia-llm run / query (processes)', function () {
  this.timeout(30000);

  it('run comes up without ROS, Redis or Ollama, warns once that the LLM is unreachable, and exits 0 on SIGINT', async () => {
    const port = await closedPort();
    const child = cli(['run', '--ollama-host', `http://127.0.0.1:${port}`, '--metrics-port', '0']);
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    await waitFor(() => err.includes('claudia_llm up'), 'the node to come up', 20000);
    expect(err).to.match(/LLM unreachable at http:\/\/127\.0\.0\.1:\d+ .*reflex-only mode/);
    expect(err.match(/LLM unreachable/g)).to.have.length(1);
    // The README says one warning: the pool and the warm-up report the same unreachable host as info.
    await waitFor(() => err.includes('LLM warm-up failed'), 'the warm-up attempt', 20000);
    expect(err.match(/^\[WARN\]/gm), err).to.have.length(1);
    child.kill('SIGINT');
    const [code, signal] = await new Promise<[number | null, string | null]>((r) => child.on('exit', (c, s) => r([c, s])));
    expect({ code, signal }).to.deep.equal({ code: 0, signal: null });
    expect(err).to.include('shutting down (SIGINT)');
  });

  it('run reads OLLAMA_HOST as Ollama does (host:port, no scheme) and says at start which source set the hosts', async () => {
    const sim = createOllamaSimulator({ profile: 'fast' });
    const url = await sim.listen(0, '127.0.0.1');
    try {
      const hostPort = url.replace('http://', '');
      const child = cli(['run', '--metrics-port', '0', '--no-console', '-p', 'ollama.warmup=false'], { env: { OLLAMA_HOST: hostPort } });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      await waitFor(() => err.includes('claudia_llm up'), 'the node to come up', 20000);
      expect(err).to.contain(`LLM hosts ${url} (set by OLLAMA_HOST;`);
      expect(err).to.match(new RegExp(`Ollama at ${url.replace(/\./g, '\\.')} \\(SIMULATOR\\)`));
      child.kill('SIGINT');
      expect(await new Promise((r) => child.on('exit', r))).to.equal(0);
    } finally {
      await sim.close();
    }
  });

  it('query --json prints one object with the LlmQuery response fields', async () => {
    const child = cli(['query', '座って', '--json', '--no-llm']);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).to.equal(0);
    const lines = out.trim().split('\n');
    expect(lines).to.have.length(1);
    const res = JSON.parse(lines[0]!);
    expect(Object.keys(res).sort()).to.deep.equal(['actions', 'error', 'language', 'latency_ms', 'reply', 'source', 'success']);
    expect(res.actions).to.deep.equal([
      { name: 'stand_up', api_id: 1004, parameter: '{}', verdict: 'inserted' },
      { name: 'sit', api_id: 1009, parameter: '{}', verdict: 'ok' },
    ]);
    expect(res.source).to.equal('reflex');
  });

  it('query opens no metrics port unless --metrics-port is given (a running node holds its port)', async () => {
    // A port that is taken for the whole test, as a running node takes metrics.port.
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const run = async (args: string[]) => {
        const child = cli(args);
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err += d));
        const code = await new Promise<number | null>((r) => child.on('exit', r));
        return { code, out, err };
      };
      const quiet = await run(['query', 'お手', '--json', '--no-llm', '--dry-run', '-p', `metrics.port=${port}`]);
      expect(quiet.code, quiet.err).to.equal(0);
      expect(JSON.parse(quiet.out.trim()).success).to.equal(true);
      const asked = await run(['query', 'お手', '--json', '--no-llm', '--dry-run', '--metrics-port', String(port)]);
      expect(asked.code).to.equal(1);
      expect(JSON.parse(asked.out.trim()).error).to.match(new RegExp(`E_CONFIG: metrics.port ${port} .* is in use`));
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });

  it('query refuses a bad flag with usage and exit code 2', async () => {
    const child = cli(['query', '--bogus']);
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).to.equal(2);
    expect(err).to.match(/bogus/);
  });

  it('SIGTERM during a Move stream publishes StopMove before the node exits', async () => {
    const clock = createSystemClock();
    const graph = new MemoryGraph();
    const go2 = attachGo2Peer(graph, clock);
    const config = configWith({ ollama: { enabled: false }, metrics: { enabled: false }, robot: { initial_posture: 'standing', settle_ms: 0, move_default_duration_s: 5 } });
    const { done } = await startNode(config, { logger: createSilentLogger(), graph, clock });
    const peer = createMemoryTransport({ graph, namespace: '/', clock, logger: createSilentLogger() });
    peer.createPublisher<{ data: string }>(MSG.String, '/claudia/speech_text').publish({ data: '前に進んで' });
    await waitFor(() => go2.apiIds().filter((id) => id === 1008).length >= 2, 'the Move stream');
    process.emit('SIGTERM');
    expect(await done).to.equal(0);
    const ids = go2.apiIds();
    expect(ids.at(-1)).to.equal(1003);
    const moves = ids.filter((id) => id === 1008).length;
    await new Promise((r) => setTimeout(r, 300));
    expect(go2.apiIds().filter((id) => id === 1008).length, 'no Move after the stop').to.equal(moves);
  });
});
