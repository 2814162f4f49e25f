import { expect } from 'chai';
import { createMemoryTransport, MemoryGraph } from '../../src/ros/memory-transport';
import { resolveRosName } from '../../src/ros/types';
import { createSystemClock, flushMicrotasks } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';

describe('memory transport', () => {
  const clock = createSystemClock();
  const logger = createSilentLogger();

  it('resolves relative names under the namespace and keeps absolute ones', () => {
    expect(resolveRosName('/claudia', 'speech_text')).to.equal('/claudia/speech_text');
    expect(resolveRosName('/', 'speech_text')).to.equal('/speech_text');
    expect(resolveRosName('/claudia', '/api/sport/request')).to.equal('/api/sport/request');
    expect(resolveRosName('/claudia', 'speech', new Map([['speech', '/asr/text']]))).to.equal('/asr/text');
  });

  it('delivers between transports on one graph, asynchronously and as copies', async () => {
    const graph = new MemoryGraph();
    const a = createMemoryTransport({ graph, namespace: '/claudia', clock, logger });
    const b = createMemoryTransport({ graph, namespace: '/', clock, logger });
    const got: Array<{ data: string }> = [];
    b.createSubscription<{ data: string }>('std_msgs/msg/String', '/claudia/out', (m) => got.push(m));
    const msg = { data: '你好 Go2' };
    a.createPublisher<{ data: string }>('std_msgs/msg/String', 'out').publish(msg);
    expect(got).to.have.length(0);
    await flushMicrotasks();
    expect(got).to.deep.equal([{ data: '你好 Go2' }]);
    expect(got[0]).to.not.equal(msg);
  });

  it('gives each subscriber its own copy of objects, arrays and typed arrays (strings are values), as structuredClone did', async () => {
    const graph = new MemoryGraph();
    const t = createMemoryTransport({ graph, namespace: '/', clock, logger });
    type Msg = { text: string; stamp: { sec: number }; list: Array<{ x: string }>; bytes: Uint8Array; self?: Msg };
    const got: Msg[] = [];
    for (let i = 0; i < 2; i++) t.createSubscription<Msg>('claudia_llm/msg/SpeechText', '/speech', (m) => got.push(m));
    const msg: Msg = { text: 'stop '.repeat(100_000), stamp: { sec: 1 }, list: [{ x: 'a' }], bytes: Uint8Array.of(1, 2) };
    msg.self = msg;
    t.createPublisher<Msg>('claudia_llm/msg/SpeechText', '/speech').publish(msg);
    await flushMicrotasks();
    const [a, b] = got as [Msg, Msg];
    expect(a.text).to.equal(msg.text);
    expect(a.stamp).to.deep.equal({ sec: 1 });
    for (const x of [a, b]) {
      expect(x).to.not.equal(msg);
      expect(x.stamp).to.not.equal(msg.stamp);
      expect(x.list[0]).to.not.equal(msg.list[0]);
      expect(x.bytes).to.not.equal(msg.bytes);
      expect(x.self).to.equal(x);
    }
    a.stamp.sec = 2;
    (a.list[0] as { x: string }).x = 'changed';
    a.bytes[0] = 9;
    expect([msg.stamp.sec, b.stamp.sec, (b.list[0] as { x: string }).x, msg.bytes[0], b.bytes[0]]).to.deep.equal([1, 1, 'a', 1, 1]);
    // What cannot be cloned is refused as before.
    expect(() => t.createPublisher('claudia_llm/msg/SpeechText', '/speech').publish({ text: 'x', f: () => 1 })).to.throw(/could not be cloned/);
  });

  it('refuses a second type on one topic and answers services', async () => {
    const graph = new MemoryGraph();
    const a = createMemoryTransport({ graph, namespace: '/claudia', clock, logger });
    a.createPublisher('std_msgs/msg/String', 'x');
    expect(() => a.createSubscription('claudia_llm/msg/SpeechText', 'x', () => undefined)).to.throw(/carries std_msgs\/msg\/String/);
    a.createService<{ n: number }, { m: number }>('t/srv/T', 'double', async (r) => ({ m: r.n * 2 }));
    const c = createMemoryTransport({ graph, namespace: '/', clock, logger }).createClient<{ n: number }, { m: number }>('t/srv/T', '/claudia/double');
    expect(await c.call({ n: 21 })).to.deep.equal({ m: 42 });
    await a.close();
    expect(graph.hasService('/claudia/double')).to.equal(false);
  });

  it('a throwing subscriber does not break the publisher or other subscribers', async () => {
    const graph = new MemoryGraph();
    const t = createMemoryTransport({ graph, namespace: '/', clock, logger });
    let ok = 0;
    t.createSubscription('std_msgs/msg/String', '/x', () => {
      throw new Error('boom');
    });
    t.createSubscription('std_msgs/msg/String', '/x', () => ok++);
    t.createPublisher('std_msgs/msg/String', '/x').publish({ data: 'a' });
    await flushMicrotasks();
    expect(ok).to.equal(1);
  });
});
