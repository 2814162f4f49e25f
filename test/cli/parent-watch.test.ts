import { expect } from 'chai';
import { currentParentPid, watchParent } from '../../src/cli/parent-watch';

describe('watchParent: the node notices that the process that started it is gone', () => {
  it('reads the live parent from /proc (process.ppid is not re-read)', function () {
    const now = currentParentPid();
    if (now === undefined) this.skip(); // no /proc
    expect(now).to.equal(process.ppid);
  });

  it('calls onGone once with the pid it watched when that is no longer the parent', async () => {
    const seen: number[] = [];
    await new Promise<void>((resolve) => {
      watchParent(
        (pid) => {
          seen.push(pid);
          resolve();
        },
        { parent: 2 ** 22 + 7, intervalMs: 5 },
      );
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(seen).to.deep.equal([2 ** 22 + 7]);
  });

  it('stop() ends the watch before it fires', async () => {
    let fired = false;
    watchParent(() => void (fired = true), { parent: 2 ** 22 + 7, intervalMs: 5 }).stop();
    await new Promise((r) => setTimeout(r, 30));
    expect(fired).to.equal(false);
  });
});
