import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { expect } from 'chai';
import { prepareDdsEnv, runPeer, until } from './dds-env';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * `claudia-llm run --transport dds --ros-args -r __ns:=/dog1 ...` as a real process (the CLI
 * under tsx), driven by the Cyclone peer: the namespace from --ros-args moves the node's
 * names, speech reaches the robot topic, the service answers, and SIGTERM ends it cleanly.
 */
describe('claudia-llm run --transport dds (a separate process, the C peer as robot and caller)', function () {
  this.timeout(60_000);
  const env = prepareDdsEnv();
  let child: ChildProcess | undefined;
  let stderr = '';

  before(async function () {
    this.timeout(300_000);
    if (env.peerSkip) {
      console.warn(`      skipped: ${env.peerSkip}`);
      this.skip();
    }
    child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', 'run', '--transport', 'dds', '--no-llm',
      '--ros-args', '-r', '__ns:=/dog1', '-p', 'robot.settle_ms:=0', '-p', 'metrics.enabled:=false', '-p', 'cache.redis_enabled:=false'], {
      cwd: ROOT,
      env: env.env, // CYCLONEDDS_URI (loopback) and ROS_DOMAIN_ID, as on the robot
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout?.on('data', (c: Buffer) => (stderr += c.toString()));
    await until(() => /claudia_llm up/.test(stderr) || child?.exitCode !== null, 'the node to start', 30_000);
    expect(stderr, stderr).to.match(/claudia_llm up: transport dds, node \/dog1\/claudia_llm/);
  });

  after(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('speech on /dog1/speech_text -> StopMove on /api/sport/request', async () => {
    const run = await runPeer(env, ['go2', '--ns', '/dog1', '--speech-topic', 'speech_text', '--text', 'stop', '--expect', '1', '--timeout-ms', '10000']);
    expect(run.code, JSON.stringify(run.lines) + run.stderr + stderr).to.equal(0);
    expect(run.lines.find((l) => l.kind === 'request')?.api_id).to.equal(1003);
  });

  it('/dog1/llm_query answers a ROS-style call', async () => {
    const run = await runPeer(env, ['call', '--service', '/dog1/llm_query', '--seq', '3', '--text', 'お手', '--lang', 'ja', '--dry-run', '1', '--timeout-ms', '10000']);
    expect(run.code, JSON.stringify(run.lines) + run.stderr).to.equal(0);
    const reply = run.lines.find((l) => l.kind === 'reply');
    expect(reply?.seq).to.equal(3);
    expect(reply?.success).to.equal(true);
  });

  it('SIGTERM shuts the node down cleanly (exit code 0)', async () => {
    const proc = child as ChildProcess;
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000))]);
    expect(code, stderr).to.equal(0);
    expect(stderr).to.match(/shutting down \(SIGTERM\)/);
  });
});
