import { expect } from 'chai';
import { createSteppingClock } from '../../src/bag';

describe('stepping clock (virtual time the replay moves one timer at a time)', () => {
  it('knows the next due timer, forgets fired and cleared ones, and stamps wall time from the bag start', async () => {
    const c = createSteppingClock(1_764_000_000_000_000_000n);
    const fired: string[] = [];
    c.setTimeout(() => fired.push('b'), 200);
    const h = c.setTimeout(() => fired.push('x'), 50);
    c.setTimeout(() => fired.push('a'), 100);
    expect(c.nextDue()).to.equal(50);
    c.clearTimeout(h);
    expect(c.nextDue()).to.equal(100);
    expect(c.pending()).to.equal(2);
    await c.advance(150);
    expect(fired).to.deep.equal(['a']);
    expect(c.nextDue()).to.equal(200);
    expect(c.wallNs()).to.equal(1_764_000_000_150_000_000n);
    const slept = c.sleep(30).then(() => fired.push('slept'));
    expect(c.nextDue()).to.equal(180);
    await c.advance(100);
    await slept;
    expect(fired).to.deep.equal(['a', 'slept', 'b']);
    expect(c.nextDue()).to.equal(undefined);
  });

  it('an aborted sleep rejects and leaves no timer behind', async () => {
    const c = createSteppingClock(0n);
    const ac = new AbortController();
    const p = c.sleep(1000, ac.signal);
    expect(c.pending()).to.equal(1);
    ac.abort();
    let err: unknown;
    await p.catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(Error);
    expect(c.pending()).to.equal(0);
  });
});
