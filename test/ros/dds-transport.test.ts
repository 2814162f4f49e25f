import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { decodeMessage, encodeMessage, loadMessageRegistry } from '../../src/cdr';
import { cycloneConfig, ddsAvailability, loadDdsAddon } from '../../src/ros/dds-addon';
import { createDdsTransport, type DdsTransport } from '../../src/ros/dds-transport';
import { MSG, type LlmQueryRequestMsg, type LlmQueryResponseMsg, type SpeechTextMsg, type StringMsg } from '../../src/ros/messages';
import { createSystemClock } from '../../src/util/clock';
import { ClaudiaError } from '../../src/util/errors';
import { createMemoryLogger, createSilentLogger } from '../../src/util/logger';
import { prepareDdsEnv, until } from './dds-env';

describe('dds transport (Cyclone DDS, two participants in one process)', function () {
  this.timeout(30_000);
  const env = prepareDdsEnv();
  const reg = loadMessageRegistry();
  const open: DdsTransport[] = [];
  let seq = 0;
  // Each test gets its own namespace so late samples of one test never reach another.
  const make = async (ns: string, node = 'claudia_llm') => {
    const t = await createDdsTransport({ namespace: ns, nodeName: node, clock: createSystemClock(), logger: createSilentLogger(), domainId: env.domainId, registry: reg });
    open.push(t);
    return t;
  };

  before(function () {
    this.timeout(300_000);
    if (env.skip) {
      console.warn(`      skipped: ${env.skip}`);
      this.skip();
    }
  });
  afterEach(async () => {
    for (const t of open.splice(0)) await t.close();
  });

  it('delivers SpeechText with Japanese text between two nodes, every field intact', async () => {
    const ns = `/t${++seq}`;
    const a = await make(ns);
    const b = await make(ns, 'listener');
    const got: SpeechTextMsg[] = [];
    b.createSubscription<SpeechTextMsg>(MSG.SpeechText, 'speech', (m) => got.push(m));
    const pub = a.createPublisher<SpeechTextMsg>(MSG.SpeechText, 'speech');
    await until(() => a.matched('speech').writers > 0, 'matching');
    const msg: SpeechTextMsg = { stamp: { sec: 1700000000, nanosec: 5 }, utterance_id: 'u-1', text: '座ってください 🐕 你好', language: 'ja', confidence: 0.5, is_final: true, source: 'asr' };
    pub.publish(msg);
    await until(() => got.length === 1, 'the message');
    expect(got[0]).to.deep.equal(msg);
    expect(pub.topic).to.equal(`${ns}/speech`);
    const st = a.status();
    expect(st.level).to.equal('ok');
    expect(st.values[`peers ${ns}/speech`]).to.equal(1);
    expect(st.values.cyclonedds).to.match(/^0\.\d+\.\d+/);
  });

  it('answers a service after the async handler completes, echoing guid and sequence per call', async () => {
    const ns = `/t${++seq}`;
    const server = await make(ns);
    const caller = await make(ns, 'caller');
    server.createService<LlmQueryRequestMsg, LlmQueryResponseMsg>(MSG.LlmQuery, 'llm_query', async (req) => {
      // Later requests answer first: replies must still reach the right call.
      await new Promise((r) => setTimeout(r, req.text === 'slow' ? 60 : 5));
      return { success: true, reply: `re:${req.text}`, language: req.language, actions: [{ name: 'sit', api_id: 1009n, parameter: '{}', verdict: 'ok' }], source: 'reflex', latency_ms: 1.5, error: '' };
    });
    const client = caller.createClient<LlmQueryRequestMsg, LlmQueryResponseMsg>(MSG.LlmQuery, 'llm_query');
    const base = { language: 'ja', prompt_type: '', session_id: 's', priority: 0, dry_run: true, timeout_s: 0 };
    const [slow, fast] = await Promise.all([client.call({ ...base, text: 'slow' }, { timeoutMs: 8000 }), client.call({ ...base, text: '座って' }, { timeoutMs: 8000 })]);
    expect(slow.reply).to.equal('re:slow');
    expect(fast.reply).to.equal('re:座って');
    expect(fast.actions[0]?.api_id).to.equal(1009n);
  });

  it('a call with no server fails with E_TRANSPORT within its timeout', async () => {
    const caller = await make(`/t${++seq}`);
    const client = caller.createClient<LlmQueryRequestMsg, LlmQueryResponseMsg>(MSG.LlmQuery, 'nobody_home');
    const err = await client.call({ text: 'x', language: '', prompt_type: '', session_id: '', priority: 0, dry_run: true, timeout_s: 0 }, { timeoutMs: 300 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ClaudiaError);
    expect((err as ClaudiaError).code).to.equal('E_TRANSPORT');
    expect((err as ClaudiaError).message).to.match(/not available/);
  });

  it('honours transient_local: a late subscriber gets the last message', async () => {
    const ns = `/t${++seq}`;
    const a = await make(ns);
    const latched = { reliability: 'reliable', durability: 'transient_local', depth: 1 } as const;
    const pub = a.createPublisher<StringMsg>(MSG.String, 'latched', latched);
    pub.publish({ data: 'first' });
    pub.publish({ data: 'last' });
    const b = await make(ns, 'late');
    const got: string[] = [];
    b.createSubscription<StringMsg>(MSG.String, 'latched', (m) => got.push(m.data), latched);
    await until(() => got.length > 0, 'the latched message');
    expect(got).to.deep.equal(['last']);
  });

  it('honours reliability: best-effort readers match a reliable writer, reliable readers refuse a best-effort one', async () => {
    const ns = `/t${++seq}`;
    const a = await make(ns);
    const b = await make(ns, 'rx');
    const got: string[] = [];
    b.createSubscription<StringMsg>(MSG.String, 'be', (m) => got.push(m.data), { reliability: 'best_effort' });
    const reliablePub = a.createPublisher<StringMsg>(MSG.String, 'be');
    await until(() => a.matched('be').writers > 0, 'reliable writer -> best-effort reader');
    reliablePub.publish({ data: 'ok' });
    await until(() => got.length === 1, 'the message');
    b.createSubscription<StringMsg>(MSG.String, 'strict', () => undefined, { reliability: 'reliable' });
    a.createPublisher<StringMsg>(MSG.String, 'strict', { reliability: 'best_effort' });
    await new Promise((r) => setTimeout(r, 300));
    expect(a.matched('strict').writers).to.equal(0); // requested reliable, offered best effort: no match
  });

  it('refuses unknown types and type clashes on one topic with clear errors', async () => {
    const a = await make(`/t${++seq}`);
    expect(() => a.createPublisher('nope/msg/Missing', 'x')).to.throw(ClaudiaError, /unknown message type/);
    a.createPublisher(MSG.String, 'clash');
    expect(() => a.createSubscription(MSG.SpeechText, 'clash', () => undefined)).to.throw(ClaudiaError, /carries std_msgs\/msg\/String/);
    expect(() => a.createPublisher<StringMsg>(MSG.String, 'ok').publish({ data: 7 } as unknown as StringMsg)).to.throw(ClaudiaError, /must be a string/);
  });

  it('logs and drops undecodable samples instead of throwing into DDS', async () => {
    const ns = `/t${++seq}`;
    const logger = createMemoryLogger();
    const b = await createDdsTransport({ namespace: ns, nodeName: 'rx', clock: createSystemClock(), logger, domainId: env.domainId, registry: reg });
    open.push(b);
    const got: SpeechTextMsg[] = [];
    b.createSubscription<SpeechTextMsg>(MSG.SpeechText, 'speech', (m) => got.push(m));
    // A raw writer (no codec) on the same DDS topic sends a truncated SpeechText, then a good one.
    const addon = b.addon;
    const p = addon.createParticipant(env.domainId);
    try {
      const w = addon.createWriter(p, addon.createTopic(p, `rt${ns}/speech`, 'claudia_llm::msg::dds_::SpeechText_'), { reliable: true, transientLocal: false, depth: 10 });
      await until(() => addon.publicationMatched(w) > 0, 'matching');
      const good = encodeMessage(reg, MSG.SpeechText, { text: 'good', is_final: true });
      addon.write(w, good.subarray(0, 14));
      addon.write(w, good);
      await until(() => got.length === 1, 'the good message');
      expect(got[0]?.text).to.equal('good');
      const warn = logger.lines.find((l) => l.level === 'warn');
      expect(warn?.msg).to.match(/undecodable/);
      expect(String(warn?.fields?.error)).to.match(/truncated/);
      expect(b.status()).to.deep.include({ level: 'warn' });
      expect(b.status().values.dropped_undecodable).to.equal(1);
    } finally {
      addon.deleteEntity(p);
    }
  });

  it('announces the node on ros_discovery_info as rmw_cyclonedds does', async () => {
    const ns = `/t${++seq}`;
    const node = await make(ns, 'announcer');
    node.createPublisher(MSG.String, 'a');
    node.createSubscription(MSG.String, 'b', () => undefined);
    const addon = node.addon;
    const p = addon.createParticipant(env.domainId);
    try {
      const topic = addon.createTopic(p, 'ros_discovery_info', 'rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_');
      type Info = { gid: { data: Uint8Array }; node_entities_info_seq: Array<{ node_namespace: string; node_name: string; reader_gid_seq: unknown[]; writer_gid_seq: unknown[] }> };
      const infos: Info[] = [];
      addon.createReader(p, topic, { reliable: true, transientLocal: true, depth: 10 }, (batch) => {
        for (const s of batch) infos.push(decodeMessage<Info>(reg, 'rmw_dds_common/msg/ParticipantEntitiesInfo', s.data));
      });
      await until(() => infos.some((i) => i.node_entities_info_seq[0]?.node_name === 'announcer'), 'our ParticipantEntitiesInfo');
      const mine = infos.filter((i) => i.node_entities_info_seq[0]?.node_name === 'announcer').at(-1) as Info;
      const n = mine.node_entities_info_seq[0];
      expect(n?.node_namespace).to.equal(ns);
      // One reader and one writer of ours (the discovery writer itself is not a node entity).
      expect(n?.reader_gid_seq.length).to.equal(1);
      expect(n?.writer_gid_seq.length).to.equal(1);
      expect(Array.from(mine.gid.data.subarray(16))).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0]);
      expect(Buffer.from(mine.gid.data.subarray(0, 16)).equals(Buffer.from(addon.guid(p)))).to.equal(false);
    } finally {
      addon.deleteEntity(p);
    }
  });

  it('rejects pending calls when closed', async () => {
    const ns = `/t${++seq}`;
    const server = await make(ns);
    server.createService<LlmQueryRequestMsg, LlmQueryResponseMsg>(MSG.LlmQuery, 'llm_query', () => new Promise(() => undefined));
    const caller = await make(ns, 'caller');
    const client = caller.createClient<LlmQueryRequestMsg, LlmQueryResponseMsg>(MSG.LlmQuery, 'llm_query');
    const p = client.call({ text: 'x', language: '', prompt_type: '', session_id: '', priority: 0, dry_run: true, timeout_s: 0 }, { timeoutMs: 8000 });
    const outcome = p.then(() => 'resolved', (e: ClaudiaError) => e.code);
    await new Promise((r) => setTimeout(r, 200));
    await caller.close();
    expect(await outcome).to.equal('E_ABORTED');
  });
});

describe('dds transport configuration', () => {
  it('says why the transport is unavailable when the addon is missing or unloadable', () => {
    const saved = process.env.CLAUDIA_DDS_ADDON;
    try {
      process.env.CLAUDIA_DDS_ADDON = '/nonexistent/claudia_dds.node';
      expect(() => loadDdsAddon()).to.throw(ClaudiaError, /is not built.*cyclonedds-dev.*npm run build:native/);
      const a = ddsAvailability();
      expect(a.ok).to.equal(false);
      const bogus = path.join(mkdtempSync(path.join(os.tmpdir(), 'claudia-addon-')), 'claudia_dds.node');
      writeFileSync(bogus, 'not a shared object');
      process.env.CLAUDIA_DDS_ADDON = bogus;
      expect(() => loadDdsAddon()).to.throw(ClaudiaError, /loading .* failed/);
    } finally {
      if (saved === undefined) delete process.env.CLAUDIA_DDS_ADDON;
      else process.env.CLAUDIA_DDS_ADDON = saved;
    }
  });

  it('pins the interface on top of CYCLONEDDS_URI, and only when asked', () => {
    const none = () => undefined;
    expect(cycloneConfig(undefined, { CYCLONEDDS_URI: 'file:///x.xml' }, none)).to.equal(undefined);
    expect(cycloneConfig('eth0', {}, none)).to.match(/^<CycloneDDS>.*<NetworkInterface name="eth0"\/>/);
    expect(cycloneConfig('192.168.123.99', { CYCLONEDDS_URI: 'file:///x.xml' }, none)).to.match(/^file:\/\/\/x\.xml,<CycloneDDS>.*address="192\.168\.123\.99"/);
    expect(() => cycloneConfig('eth0"/><evil', {}, none)).to.throw(ClaudiaError, /dds_network_interface/);
  });

  it('refuses an interface on top of a CYCLONEDDS_URI that selects one (Cyclone would merge both)', () => {
    const xml = '<CycloneDDS><Domain><General><Interfaces><NetworkInterface name="eth1"/></Interfaces></General></Domain></CycloneDDS>';
    expect(() => cycloneConfig('eth0', { CYCLONEDDS_URI: xml })).to.throw(ClaudiaError, /set only one/);
    const loopbackFile = `file://${path.resolve(__dirname, '..', 'peer', 'cyclonedds-loopback.xml')}`;
    expect(() => cycloneConfig('eth0', { CYCLONEDDS_URI: loopbackFile })).to.throw(ClaudiaError, /CYCLONEDDS_URI already selects/);
    expect(cycloneConfig('eth0', { CYCLONEDDS_URI: '<CycloneDDS><Domain><Tracing><Verbosity>config</Verbosity></Tracing></Domain></CycloneDDS>' })).to.match(/,<CycloneDDS>/);
  });

  it('applies transport.dds_network_interface: an unknown interface fails the participant with the reason', async function () {
    const env = prepareDdsEnv();
    if (env.skip) this.skip();
    const saved = process.env.CYCLONEDDS_URI;
    delete process.env.CYCLONEDDS_URI;
    try {
      const mk = (domainId: number, nic: string) =>
        createDdsTransport({ namespace: '/nic', nodeName: 'n', clock: createSystemClock(), logger: createSilentLogger(), domainId, networkInterface: nic });
      const err = await mk(env.domainId + 1, 'nonexistent0').then(() => undefined, (e: unknown) => e);
      expect((err as ClaudiaError).code).to.equal('E_TRANSPORT');
      expect((err as ClaudiaError).message).to.match(/domain \d+ failed.*'nonexistent0'/);
      const ok = await mk(env.domainId + 2, 'lo');
      expect(ok.status().level).to.equal('ok');
      await ok.close();
    } finally {
      if (saved !== undefined) process.env.CYCLONEDDS_URI = saved;
    }
  });

  it('refuses a domain id outside 0..232 before touching DDS', async () => {
    const err = await createDdsTransport({ namespace: '/x', nodeName: 'n', clock: createSystemClock(), logger: createSilentLogger(), domainId: 300, addon: {} as never }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as ClaudiaError).code).to.equal('E_CONFIG');
  });
});
