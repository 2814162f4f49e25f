import { expect } from 'chai';
import { createSlicedQueue } from '../../src/cache/sliced-queue';

/** One event-loop turn: the queue's slice scheduled before this runs first. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function queueOf(slice: number, sliceMs = Infinity, now: () => number = () => 0) {
  const handled: string[] = [];
  const q = createSlicedQueue<number>({ slice, sliceMs, now, handle: (key) => void handled.push(key) });
  return { q, handled };
}

/** Sizes of the queue after each turn until it is empty (one slice per turn). */
async function sizesPerTurn(q: { size(): number }): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; q.size() > 0 && i < 100; i++) {
    await turn();
    out.push(q.size());
  }
  return out;
}

describe('cache: sliced queue (read-throughs indexed off the request path)', () => {
  it('handles at most `slice` items per event-loop turn, in the order they came', async () => {
    const { q, handled } = queueOf(3);
    for (let i = 0; i < 7; i++) q.add(`k${i}`, i);
    expect(handled, 'nothing runs in the turn that queued the items').to.deep.equal([]);
    expect(await sizesPerTurn(q)).to.deep.equal([4, 1, 0]);
    expect(q.slices()).to.equal(3);
    expect(handled).to.deep.equal(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6']);
  });

  it('at the edges of the slice size: exactly `slice` items take one slice, one more takes two', async () => {
    const exact = queueOf(3);
    for (let i = 0; i < 3; i++) exact.q.add(`k${i}`, i);
    expect(await sizesPerTurn(exact.q)).to.deep.equal([0]);
    expect(exact.q.slices()).to.equal(1);
    const over = queueOf(3);
    for (let i = 0; i < 4; i++) over.q.add(`k${i}`, i);
    expect(await sizesPerTurn(over.q)).to.deep.equal([1, 0]);
    expect(over.q.slices()).to.equal(2);
    const one = queueOf(1);
    for (let i = 0; i < 3; i++) one.q.add(`k${i}`, i);
    expect(await sizesPerTurn(one.q)).to.deep.equal([2, 1, 0]);
  });

  it('stops a slice once its time budget is spent, but always handles one item', async () => {
    let t = 0;
    // Every item "takes" 1 ms on this clock.
    const slow = queueOf(10, 1, () => t++);
    for (let i = 0; i < 3; i++) slow.q.add(`k${i}`, i);
    expect(await sizesPerTurn(slow.q), 'over budget after one item: one per slice').to.deep.equal([2, 1, 0]);
    let u = 0;
    const budget = queueOf(10, 2, () => u++);
    for (let i = 0; i < 5; i++) budget.q.add(`k${i}`, i);
    // now() is read at the start (0) and after each item (1, 2, ...): the second item reaches 2 ms.
    expect(await sizesPerTurn(budget.q)).to.deep.equal([3, 1, 0]);
    expect(budget.handled).to.have.length(5);
  });

  it('spreads an item done in steps over turns by the time budget, and finishes it before the next', async () => {
    const log: string[] = [];
    let t = 0;
    // Every step "takes" 1 ms; the budget is 2 ms: two steps per turn.
    function* work(key: string, steps: number): Generator<void, void, undefined> {
      for (let i = 1; i <= steps; i++) {
        t += 1;
        log.push(`${key}${i}`);
        if (i < steps) yield;
      }
    }
    const q = createSlicedQueue<number>({ slice: 10, sliceMs: 2, now: () => t, handle: (k, n) => work(k, n) });
    q.add('a', 3);
    q.add('b', 2);
    const perTurn: string[] = [];
    for (let i = 0; q.size() > 0 && i < 20; i++) {
      const before = log.length;
      await turn();
      perTurn.push(log.slice(before).join(' '));
    }
    expect(perTurn).to.deep.equal(['a1 a2', 'a3 b1', 'b2']);
    expect(q.size()).to.equal(0);
  });

  it('grows the budget with the backlog beyond `backlog` items, up to maxSliceMs', async () => {
    let t = 0;
    // One-step items of 1 ms each; base budget 1 ms, backlog 2, cap 3 ms.
    const q = createSlicedQueue<number>({
      slice: 100, sliceMs: 1, backlog: 2, maxSliceMs: 3, now: () => t,
      handle: () => {
        t += 1;
      },
    });
    for (let i = 0; i < 9; i++) q.add(`k${i}`, i);
    // 9 waiting: 4.5 ms, capped at 3 -> 3 items; 6: 3 ms -> 3; 3: 1.5 ms -> 2; 1 (<= backlog): 1 ms -> 1.
    expect(await sizesPerTurn(q)).to.deep.equal([6, 3, 1, 0]);
    let u = 0;
    const atBacklog = createSlicedQueue<number>({ slice: 100, sliceMs: 1, backlog: 2, maxSliceMs: 3, now: () => u, handle: () => void (u += 1) });
    atBacklog.add('a', 1);
    atBacklog.add('b', 2);
    expect(await sizesPerTurn(atBacklog), 'exactly `backlog` waiting: the base budget').to.deep.equal([1, 0]);
  });

  it('forgets a half-done item when it is deleted, and drain() finishes one that is under way', async () => {
    const done: string[] = [];
    function* work(key: string): Generator<void, void, undefined> {
      yield;
      yield;
      done.push(key);
    }
    const q = createSlicedQueue<number>({ slice: 1, sliceMs: 0, handle: (k) => work(k) });
    q.add('a', 1);
    q.add('b', 2);
    await turn();
    expect(q.size(), 'a is half done, b waits').to.equal(2);
    q.delete('a');
    expect(q.size()).to.equal(1);
    await turn();
    q.drain();
    expect(done).to.deep.equal(['b']);
    expect(q.size()).to.equal(0);
  });

  it('keeps one item per key (the newest value, at the back), forgets deleted ones, and drains on demand', async () => {
    const values: Array<[string, number]> = [];
    const q = createSlicedQueue<number>({ slice: 2, sliceMs: Infinity, handle: (k, v) => void values.push([k, v]) });
    q.add('a', 1);
    q.add('b', 2);
    q.add('a', 3);
    q.add('c', 4);
    q.delete('b');
    expect(q.size()).to.equal(2);
    q.drain();
    expect(values).to.deep.equal([
      ['a', 3],
      ['c', 4],
    ]);
    expect(q.size()).to.equal(0);
    await turn();
    expect(q.slices(), 'the scheduled slice finds nothing left').to.equal(0);
  });

  it('drops what is queued on close and schedules nothing more', async () => {
    const { q, handled } = queueOf(1);
    q.add('a', 1);
    q.close();
    await turn();
    await turn();
    expect(handled).to.deep.equal([]);
    expect(q.size()).to.equal(0);
  });

  it('refuses a slice smaller than one item', () => {
    expect(() => queueOf(0)).to.throw(/at least 1/);
  });
});
