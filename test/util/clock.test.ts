import { expect } from 'chai';
import { VirtualClock } from '../../src/util/clock';
import { anySignal } from '../../src/util/any-signal';

describe('virtual clock', () => {
  it('fires timers in order only when time is advanced', async () => {
    const c = new VirtualClock();
    const fired: string[] = [];
    c.setTimeout(() => fired.push('b'), 20);
    c.setTimeout(() => fired.push('a'), 10);
    const h = c.setTimeout(() => fired.push('never'), 15);
    c.clearTimeout(h);
    await c.advance(5);
    expect(fired).to.deep.equal([]);
    await c.advance(20);
    expect(fired).to.deep.equal(['a', 'b']);
    expect(c.now()).to.equal(25);
  });

  it('runs async chains that sleep on it', async () => {
    const c = new VirtualClock();
    const steps: number[] = [];
    const job = (async () => {
      for (let i = 0; i < 3; i++) {
        await c.sleep(100);
        steps.push(c.now());
      }
    })();
    await c.runAll();
    await job;
    expect(steps).to.deep.equal([100, 200, 300]);
  });

  it('sleep rejects on abort and anySignal follows any source', async () => {
    const c = new VirtualClock();
    const a = new AbortController();
    const b = new AbortController();
    const both = anySignal([a.signal, b.signal]);
    const p = c.sleep(1000, both);
    b.abort(new Error('cancelled'));
    let err: unknown;
    await p.catch((e) => (err = e));
    expect((err as Error).message).to.equal('cancelled');
    expect(c.pending()).to.equal(0);
  });
});
