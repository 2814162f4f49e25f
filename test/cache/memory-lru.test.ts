import { expect } from 'chai';
import { createMemoryLru, type EvictReason } from '../../src/cache/memory-lru';
import { VirtualClock } from '../../src/util/clock';

describe('cache/memory-lru', () => {
  function make(maxEntries: number, maxBytes: number) {
    const clock = new VirtualClock();
    const evicted: Array<[string, EvictReason]> = [];
    const lru = createMemoryLru<string>({ clock, maxEntries, maxBytes, onEvict: (k, r) => evicted.push([k, r]) });
    return { clock, lru, evicted };
  }

  it('evicts the least recently used entry when over the entry bound', () => {
    const { lru, evicted } = make(3, 1e6);
    lru.set('a', 'A', 10, 1000);
    lru.set('b', 'B', 10, 1000);
    lru.set('c', 'C', 10, 1000);
    expect(lru.get('a')).to.equal('A'); // a is now the most recent
    lru.set('d', 'D', 10, 1000);
    expect(lru.get('b')).to.equal(undefined);
    expect([...lru.keys()]).to.deep.equal(['c', 'a', 'd']);
    expect(evicted).to.deep.equal([['b', 'capacity']]);
  });

  it('evicts by bytes and keeps the byte count right', () => {
    const { lru } = make(100, 100);
    lru.set('a', 'A', 40, 1000);
    lru.set('b', 'B', 40, 1000);
    expect(lru.bytes()).to.equal(80);
    lru.set('c', 'C', 40, 1000);
    expect(lru.size()).to.equal(2);
    expect(lru.peek('a')).to.equal(undefined);
    expect(lru.bytes()).to.equal(80);
    lru.set('b', 'B2', 10, 1000); // replacing adjusts the count
    expect(lru.bytes()).to.equal(50);
    lru.set('huge', 'H', 101, 1000); // larger than the whole budget: not kept, nothing evicted
    expect(lru.peek('huge')).to.equal(undefined);
    expect(lru.size()).to.equal(2);
  });

  it('expires entries after their TTL on the injected clock', async () => {
    const { clock, lru, evicted } = make(10, 1e6);
    lru.set('a', 'A', 1, 500);
    lru.set('b', 'B', 1, 2000);
    await clock.advance(499);
    expect(lru.get('a')).to.equal('A');
    await clock.advance(1);
    expect(lru.get('a')).to.equal(undefined);
    expect(lru.get('b')).to.equal('B');
    expect(evicted).to.deep.equal([['a', 'expired']]);
    expect(lru.bytes()).to.equal(1);
  });

  it('drops expired entries from the cold end when inserting', async () => {
    const { clock, lru } = make(10, 1e6);
    lru.set('old', 'O', 5, 100);
    await clock.advance(200);
    lru.set('new', 'N', 5, 100);
    expect(lru.size()).to.equal(1);
    expect(lru.bytes()).to.equal(5);
  });
});
