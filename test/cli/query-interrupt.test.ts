import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { configWith } from '../../src/config/load';
import { createTransport } from '../../src/ros/create-transport';
import { MSG, type UnitreeRequestMsg } from '../../src/ros/messages';
import type { RosTransport } from '../../src/ros/types';
import { createSystemClock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';
import { prepareDdsEnv, until } from '../ros/dds-env';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * `claudia-llm query "前に進んで" --transport dds` as a real process, a DDS participant in this
 * process listening on /api/sport/request as the robot: Ctrl-C (SIGINT) while the Move stream
 * runs must put StopMove on the wire before the process exits.
 */
describe('claudia-llm query: Ctrl-C during a Move publishes StopMove over dds before exit', function () {
  this.timeout(60_000);
  const env = prepareDdsEnv();
  let robot: RosTransport | undefined;

  after(async () => {
    await robot?.close();
  });

  it('SIGINT while Move 1008 streams: StopMove 1003 follows, no Move after it, exit 1 with a message', async function () {
    if (env.skip) {
      console.warn(`      skipped: ${env.skip}`);
      this.skip();
    }
    const clock = createSystemClock();
    robot = await createTransport('dds', { namespace: '/', nodeName: 'go2_stand_in', clock, logger: createSilentLogger(), config: configWith({ transport: { kind: 'dds', dds_domain_id: env.domainId } }) });
    const ids: number[] = [];
    robot.createSubscription<UnitreeRequestMsg>(MSG.Request, '/api/sport/request', (m) => void ids.push(Number(m.header.identity.api_id)));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', 'query', '前に進んで', '--transport', 'dds', '--no-llm', '--redis', 'off',
      '--initial-posture', 'standing', '-p', `transport.dds_domain_id=${env.domainId}`, '-p', 'robot.move_default_duration_s=10', '-p', 'robot.settle_ms=0'], {
      cwd: ROOT, env: env.env, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await until(() => ids.filter((id) => id === 1008).length >= 3, `the Move stream on DDS (heard ${JSON.stringify(ids)}; ${err})`, 30_000);
    child.kill('SIGINT');
    const code = await exited;
    await until(() => ids.includes(1003), `StopMove on DDS (heard ${JSON.stringify(ids.slice(-5))})`, 3000);
    expect(code, err).to.equal(1);
    expect(err).to.contain('claudia-llm query: interrupted: StopMove published');
    const stopAt = ids.indexOf(1003);
    const movesAfter = ids.slice(stopAt + 1).filter((id) => id === 1008).length;
    expect(movesAfter, `no Move after StopMove: ${JSON.stringify(ids)}`).to.equal(0);
  });
});
