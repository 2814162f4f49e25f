import { expect } from 'chai';
import { reconnectDelay, redactUrl } from '../../src/cache/redis-tier';

describe('cache/redis-tier policies', () => {
  it('backs off exponentially from 50 ms to a 2 s cap, with up to 20 % jitter', () => {
    expect(reconnectDelay(1, () => 0)).to.equal(100);
    expect(reconnectDelay(3, () => 0)).to.equal(400);
    expect(reconnectDelay(30, () => 0)).to.equal(2000);
    expect(reconnectDelay(30, () => 0.999)).to.equal(2400);
    const seen = new Set(Array.from({ length: 50 }, () => reconnectDelay(2)));
    for (const d of seen) expect(d).to.be.within(200, 240);
  });

  it('never logs a Redis password', () => {
    expect(redactUrl('redis://user:s3cret@10.0.0.2:6379/0')).to.equal('redis://user:***@10.0.0.2:6379/0');
    expect(redactUrl('redis://:s3cret@host:6379')).to.equal('redis://:***@host:6379');
    expect(redactUrl('redis://127.0.0.1:6379/0')).to.equal('redis://127.0.0.1:6379/0');
  });
});
