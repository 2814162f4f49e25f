import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createDdsTransport, type DdsTransport } from '../../src/ros/dds-transport';
import { MSG, type UnitreeRequestMsg, type UnitreeResponseMsg } from '../../src/ros/messages';
import { createSystemClock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';
import { waitFor } from '../helpers/app-harness';
import { prepareDdsEnv } from '../ros/dds-env';

const ROOT = path.resolve(__dirname, '..', '..');
const NODE = `${process.execPath} --import tsx src/cli/entry.ts`;

/** A tmux session (a real pseudo-terminal) running a shell command; the test types into it and reads the screen. */
class Pane {
  constructor(readonly name: string) {}

  static open(name: string, command: string, env: Record<string, string> = {}): Pane {
    const vars = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ');
    execFileSync('tmux', ['new-session', '-d', '-s', name, '-x', '180', '-y', '50', '-c', ROOT, `env ${vars} ${command}`]);
    return new Pane(name);
  }

  type(text: string): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, '-l', text]);
  }

  keys(...keys: string[]): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, ...keys]);
  }

  screen(): string {
    return execFileSync('tmux', ['capture-pane', '-p', '-J', '-S', '-200', '-t', this.name], { encoding: 'utf8' });
  }

  close(): void {
    try {
      execFileSync('tmux', ['kill-session', '-t', this.name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

describe('console through a pseudo-terminal (tmux)', function () {
  this.timeout(120_000);
  const env = prepareDdsEnv();
  const panes: Pane[] = [];
  let seq = 0;
  const name = () => `claudia-pty-${process.pid}-${++seq}`;

  before(function () {
    this.timeout(300_000);
    try {
      execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    } catch {
      throw new Error('tmux is missing: apt-get install -y tmux (the console tests drive a real terminal through it)');
    }
  });
  afterEach(() => {
    for (const p of panes.splice(0)) p.close();
  });

  describe('in the foreground, on the dds transport (this process is the robot)', () => {
    let robot: DdsTransport | undefined;
    const received: number[] = [];

    before(async function () {
      this.timeout(300_000);
      if (env.skip) {
        console.warn(`      skipped: ${env.skip}`);
        this.skip();
      }
      robot = await createDdsTransport({ namespace: '/', nodeName: 'go2_standin', clock: createSystemClock(), logger: createSilentLogger(), domainId: env.domainId });
      const respond = robot.createPublisher<UnitreeResponseMsg>(MSG.Response, '/api/sport/response');
      robot.createSubscription<UnitreeRequestMsg>(MSG.Request, '/api/sport/request', (req) => {
        received.push(Number(req.header.identity.api_id));
        if (!req.header.policy.noreply) respond.publish({ header: { identity: { ...req.header.identity }, status: { code: 0 } }, data: '', binary: [] });
      });
    });
    after(async () => {
      await robot?.close();
    });

    it('types an utterance and reads the answer; Ctrl-C during a Move publishes StopMove before the node exits', async () => {
      const pane = Pane.open(
        name(),
        `${NODE} run --transport dds --no-llm --metrics-port 0 --initial-posture standing -p robot.settle_ms=0 -p cache.redis_enabled=false -p robot.move_default_duration_s=8; echo "EXITED $?"; sleep 60`,
        { CYCLONEDDS_URI: String(env.env.CYCLONEDDS_URI), ROS_DOMAIN_ID: String(env.domainId), DOTENV_CONFIG_QUIET: 'true' },
      );
      panes.push(pane);
      await waitFor(() => /claudia> $/m.test(pane.screen()), 'the console prompt', 60_000);
      expect(pane.screen()).to.include('console: type an utterance');

      pane.type('座って');
      pane.keys('Enter');
      await waitFor(() => /\[1\] reflex · sit ok · first effect [\d.]+ ms · total /.test(pane.screen()), 'the answer on screen', 15_000);
      expect(pane.screen()).to.match(/\[1\] 「座ります。?」/);
      await waitFor(() => received.includes(1009), 'Sit on the robot');

      pane.type('前に進んで');
      pane.keys('Enter');
      await waitFor(() => received.filter((id) => id === 1008).length >= 3, 'the Move stream on the robot', 15_000);
      const at = received.length;
      pane.keys('C-c');
      await waitFor(() => /EXITED \d+/.test(pane.screen()), 'the node to exit', 20_000);
      expect(pane.screen()).to.match(/EXITED 0/);
      expect(pane.screen()).to.match(/StopMove published/);
      const after = received.slice(at);
      expect(after, 'StopMove reached the robot before the node was gone').to.include(1003);
      expect(after.slice(after.indexOf(1003) + 1).filter((id) => id === 1008), 'no Move after the stop').to.deep.equal([]);
    });
  });

  it('started in the background of a shell: no console, stdin untouched, never stopped by the terminal', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'claudia-bg-'));
    try {
      const pidFile = path.join(dir, 'pid');
      const log = path.join(dir, 'log');
      const pane = Pane.open(name(), 'bash --norc --noprofile -i', { PS1: 'sh$ ', DOTENV_CONFIG_QUIET: 'true' });
      panes.push(pane);
      await waitFor(() => /sh\$ $/m.test(pane.screen()), 'the shell prompt', 10_000);
      pane.type(`${NODE} run --no-llm --metrics-port 0 2>${log} & echo $! > ${pidFile}`);
      pane.keys('Enter');
      await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 'the pid', 10_000);
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      await waitFor(() => existsSync(log) && readFileSync(log, 'utf8').includes('claudia_llm up'), 'the node to come up', 60_000);
      // Typing at the shell reaches the shell, not the node; a node that read the terminal would now be stopped (T).
      pane.type('echo typed-at-the-shell');
      pane.keys('Enter');
      await new Promise((r) => setTimeout(r, 1500));
      expect(processState(pid), 'the node is running, not stopped by SIGTTIN/SIGTTOU').to.be.oneOf(['S', 'R']);
      const text = readFileSync(log, 'utf8');
      expect(text).to.include('console off: started in the background of its terminal');
      expect(text).to.not.include('claudia>');
      process.kill(pid, 'SIGTERM');
      await waitFor(() => processState(pid) === undefined || processState(pid) === 'Z', 'the node to exit', 20_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without a terminal (stdin a pipe) there is no console and nothing reads stdin; --no-console turns it off in a terminal', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', 'run', '--no-llm', '--metrics-port', '0'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' } });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await waitFor(() => err.includes('claudia_llm up'), 'the node to come up', 60_000);
    child.stdin.write(':quit\n');
    await new Promise((r) => setTimeout(r, 1000));
    expect(child.exitCode, ':quit on a pipe is not read').to.equal(null);
    expect(err).to.include('console off: stdin/stdout is not a terminal');
    child.kill('SIGTERM');
    expect(await new Promise((r) => child.on('exit', r))).to.equal(0);

    const pane = Pane.open(name(), `${NODE} run --no-llm --metrics-port 0 --no-console; echo "EXITED $?"; sleep 60`, { DOTENV_CONFIG_QUIET: 'true' });
    panes.push(pane);
    await waitFor(() => pane.screen().includes('claudia_llm up'), 'the node to come up', 60_000);
    expect(pane.screen()).to.not.include('claudia>');
    pane.keys('C-c');
    await waitFor(() => /EXITED 0/.test(pane.screen()), 'Ctrl-C (a signal now) to end it', 20_000);
    expect(pane.screen()).to.include('shutting down (SIGINT)');
  });
});
