import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { startNode } from '../../src/cli/run';
import { configWith } from '../../src/config/load';
import type { LlmDecider } from '../../src/pipeline/stages';
import { MemoryGraph } from '../../src/ros/memory-transport';
import { createSystemClock } from '../../src/util/clock';
import { createMemoryLogger } from '../../src/util/logger';
import { prepareDdsEnv, runPeer } from '../ros/dds-env';

const ROOT = path.join(__dirname, '..', '..');

/** A decider whose close() the test controls: it stands for any component that is slow to close. */
function slowToClose(): { llm: LlmDecider; closing: () => boolean; finishClose: () => void; closed: () => boolean } {
  let closing = false;
  let closed = false;
  let finish: () => void = () => undefined;
  const llm: LlmDecider = {
    decide: () => Promise.reject(new Error('not used')),
    available: () => false,
    close: () => {
      closing = true;
      return new Promise<void>((r) => (finish = () => {
        closed = true;
        r();
      }));
    },
  };
  return { llm, closing: () => closing, finishClose: () => finish(), closed: () => closed };
}

describe('signals and shutdown', function () {
  this.timeout(40000);

  it('repeated signals during shutdown do not cut it short: the handlers stay until the node has closed', async () => {
    const slow = slowToClose();
    const logger = createMemoryLogger();
    const config = configWith({ metrics: { enabled: false }, cache: { enabled: false }, node: { shutdown_timeout_s: 10 } });
    const { done } = await startNode(config, { logger, graph: new MemoryGraph(), clock: createSystemClock(), llm: slow.llm });
    let result: number | undefined;
    void done.then((c) => (result = c));
    process.emit('SIGTERM');
    await new Promise((r) => setTimeout(r, 20));
    expect(slow.closing()).to.equal(true);
    for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'] as const) {
      // A listener must be there, or the default action would kill a real process now.
      expect(process.listenerCount(sig), sig).to.be.greaterThan(0);
      process.emit(sig);
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(result, 'still shutting down').to.equal(undefined);
    slow.finishClose();
    expect(await done).to.equal(0);
    expect(logger.lines.filter((l) => /already shutting down/.test(l.msg))).to.have.length(4);
    expect(logger.lines.some((l) => l.msg === 'shut down')).to.equal(true);
  });

  it('node.shutdown_timeout_s bounds shutdown: a component that never closes does not keep the node up', async () => {
    const slow = slowToClose();
    const logger = createMemoryLogger();
    const config = configWith({ metrics: { enabled: false }, cache: { enabled: false }, node: { shutdown_timeout_s: 0.3 } });
    const { done } = await startNode(config, { logger, graph: new MemoryGraph(), clock: createSystemClock(), llm: slow.llm });
    process.emit('SIGHUP');
    expect(await done).to.equal(1);
    expect(slow.closed()).to.equal(false);
    expect(logger.lines.some((l) => /shutdown did not finish within node.shutdown_timeout_s \(0.3 s\)/.test(l.msg))).to.equal(true);
  });

  describe('SIGHUP and SIGQUIT during a Move stream (processes, the C peer as the robot)', function () {
    const env = prepareDdsEnv();
    before(function () {
      if (env.peerSkip) this.skip();
    });

    for (const sig of ['SIGHUP', 'SIGQUIT'] as const) {
      it(`${sig}: StopMove goes out after the Moves, and the node exits 0 after a clean shutdown`, async () => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', 'run', '--transport', 'dds', '--no-llm', '--no-console', '--initial-posture', 'standing',
          '--ros-args', '-r', `__ns:=/dog${sig}`, '-p', 'metrics.enabled:=false', '-p', 'cache.redis_enabled:=false', '-p', 'robot.settle_ms:=0', '-p', 'robot.move_default_duration_s:=8'], { cwd: ROOT, env: env.env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.stdout.on('data', (c: Buffer) => (stderr += c.toString()));
        const exited = new Promise<[number | null, string | null]>((r) => child.on('exit', (code, signal) => r([code, signal])));
        const end = Date.now() + 20000;
        while (!/claudia_llm up/.test(stderr) && Date.now() < end && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
        let moves = 0;
        const robot = await runPeer(env, ['go2', '--ns', `/dog${sig}`, '--speech-topic', 'speech_text', '--text', '前に進んで', '--expect', '1000', '--timeout-ms', '3000'], {
          limitMs: 10000,
          onLine: (l) => {
            if (l.kind === 'request' && l.api_id === 1008 && ++moves === 3) child.kill(sig);
          },
        });
        const [code, signal] = await Promise.race([exited, new Promise<[string, null]>((r) => setTimeout(() => r(['alive', null]), 10000))]);
        if (code === 'alive') child.kill('SIGKILL');
        const ids = robot.lines.filter((l) => l.kind === 'request').map((l) => l.api_id);
        expect(ids.filter((id) => id === 1008).length, stderr).to.be.at.least(3);
        expect(ids.at(-1), `${JSON.stringify(ids)}\n${stderr}`).to.equal(1003);
        expect({ code, signal }, stderr).to.deep.equal({ code: 0, signal: null });
        expect(stderr).to.include(`shutting down (${sig})`);
      });
    }
  });
});
