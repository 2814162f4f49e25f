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
