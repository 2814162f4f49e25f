import { expect } from 'chai';
import { createApp, type App } from '../../src/app';
import { compareExpectations, parseExpectations, attachRobotStandIn, defaultRecordTopics, openBag, replayTopics, writeConversationBag } from '../../src/bag';
import { loadMessageRegistry } from '../../src/cdr';
import { recordSession } from '../../src/cli/record';
import { runReplay } from '../../src/cli/replay';
import { configWith } from '../../src/config/load';
import { createDdsTransport, type DdsTransport } from '../../src/ros/dds-transport';
import { MSG, type StringMsg } from '../../src/ros/messages';
import { createSystemClock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';
import { prepareDdsEnv, until } from '../ros/dds-env';
import { tempBagDirs } from '../bag/helpers';

/** record and replay over real Cyclone DDS (loopback), no memory graph involved. */
describe('record and replay over the dds transport (Cyclone DDS)', function () {
  this.timeout(60_000);
  const env = prepareDdsEnv();
  const dirs = tempBagDirs();
  const registry = loadMessageRegistry();
  before(function () {
    this.timeout(300_000);
    if (env.skip) {
      console.warn(`      skipped: ${env.skip}`);
      this.skip();
    }
  });
  afterEach(() => dirs.cleanup());

  it('record --transport dds captures a node running elsewhere: its inputs and its outputs', async () => {
    const config = configWith({
      node: { namespace: '/rec_dds' },
      transport: { kind: 'dds', dds_domain_id: env.domainId },
      ollama: { enabled: false },
      metrics: { enabled: false },
      robot: { initial_posture: 'standing' },
    });
    const clock = createSystemClock();
    const logger = createSilentLogger();
    let node: App | undefined;
    let speaker: DdsTransport | undefined;
    try {
      node = await createApp(config, { clock, logger, llm: null });
      await node.start();
      speaker = await createDdsTransport({ namespace: '/', nodeName: 'speaker', clock, logger, domainId: env.domainId, registry });
      const pub = speaker.createPublisher<StringMsg>(MSG.String, '/rec_dds/speech_text');
      // The robot's side of the sport API, so commands complete instead of timing out.
      attachRobotStandIn({ peer: speaker, clock, requestTopic: '/api/sport/request', responseTopic: '/api/sport/response', latencyMs: 5 });
      const out = dirs.next('dds-rec');
      const io = { out: () => undefined, err: () => undefined };
      const ctl = new AbortController();
      const recording = recordSession({ outDir: out, config, topics: defaultRecordTopics(config), tailMs: 0, signal: ctl.signal, clock, logger, io });
      // The node and the recorder both read speech_text.
      await until(() => speaker!.matched('/rec_dds/speech_text').writers >= 2, 'node and recorder to match the speaker');
      await clock.sleep(300); // the recorder's readers on the output topics match as well
      pub.publish({ data: '座れ' });
      await clock.sleep(400);
      pub.publish({ data: 'wave' });
      await clock.sleep(1500);
      ctl.abort();
      await recording;
      const r = openBag(out);
      try {
        const counts = r.countByTopic();
        expect(counts.get('/rec_dds/speech_text')).to.equal(2);
        expect(counts.get('/rec_dds/response')).to.equal(2);
        expect(counts.get('/api/sport/request')).to.be.greaterThan(0);
        expect(counts.get('/api/sport/response')).to.be.greaterThan(0);
        expect(r.summary.metadata.version).to.equal(4);
      } finally {
        r.close();
      }
    } finally {
      await speaker?.close();
      await node?.close();
    }
  });

  it('replay --transport dds plays the bag to a node over DDS and gets its decisions back', async () => {
    const config = configWith({
      node: { namespace: '/replay_dds' },
      transport: { kind: 'dds', dds_domain_id: env.domainId },
      ollama: { enabled: false },
      robot: { initial_posture: 'standing' },
    });
    const bag = dirs.next('dds-in');
    const turns = ['座れ', 'please stand', 'wave', 'STOP'].map((text, i) => ({ atMs: i * 300, text }));
    writeConversationBag({ dir: bag, turns, registry, topics: replayTopics(config) });
    const out = dirs.next('dds-out');
    const res = await runReplay({ bagDir: bag, outDir: out, config, rate: 0, clock: 'system', tailMs: 4000, llm: 'none', robot: { latencyMs: 5 }, logger: createSilentLogger() });
    // Real time: whether an inserted StandUp ran before the stop varies, the decisions do not.
    const exp = parseExpectations(['座れ:sit', 'please stand:stand_up', 'wave:hello', 'STOP:stop'].map((l, index) => JSON.stringify({ index, text: l.split(':')[0], actions: [l.split(':')[1]] })).join('\n'));
    expect(compareExpectations(exp, res.outcomes, res.sportApiIds)).to.deep.equal([]);
    expect(res.sportApiIds.at(-1)).to.equal(1003);
    const r = openBag(out);
    try {
      expect(r.countByTopic().get('/replay_dds/response')).to.equal(4);
    } finally {
      r.close();
    }
  });
});
