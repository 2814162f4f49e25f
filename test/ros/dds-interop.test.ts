import { expect } from 'chai';
import type { App } from '../../src/app';
import { encodeMessage, encodeServiceFrame, loadMessageRegistry } from '../../src/cdr';
import type { DdsTransport } from '../../src/ros/dds-transport';
import { MSG, type StringMsg } from '../../src/ros/messages';
import { prepareDdsEnv, runPeer, startDdsNode, until } from './dds-env';

const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/**
 * The whole node (createApp, transport dds, reflex-only) against an independent Cyclone DDS
 * peer whose types come from idlc: bytes on the wire are Cyclone's own serialisation on one
 * side and claudia_llm's codec on the other. Loopback only (see dds-env.ts).
 */
describe('dds interop: the node over Cyclone DDS <-> an idlc-typed C peer', function () {
  this.timeout(60_000);
  const env = prepareDdsEnv();
  const reg = loadMessageRegistry();
  let app: App;
  let transport: DdsTransport;

  before(async function () {
    this.timeout(300_000);
    if (env.peerSkip) {
      console.warn(`      skipped: ${env.peerSkip}`);
      this.skip();
    }
    ({ app, transport } = await startDdsNode(env));
    expect(transport.kind).to.equal('dds');
  });
  after(async () => {
    await app?.close();
  });

  it('peer speech (SpeechText "止まって") -> the node publishes StopMove 1003 on rt/api/sport/request', async () => {
    const run = await runPeer(env, ['go2', '--text', '止まって', '--lang', 'ja', '--utterance-id', 'i-stop', '--expect', '1', '--timeout-ms', '8000']);
    const reqs = run.lines.filter((l) => l.kind === 'request');
    expect(run.code, JSON.stringify(run.lines) + run.stderr).to.equal(0);
    expect(reqs[0]?.api_id).to.equal(1003);
    expect(reqs[0]?.parameter).to.equal('{}');
    expect(BigInt(reqs[0]?.id as string) > 0n, 'identity.id set').to.equal(true);
  });

  it('peer std_msgs/String "座って" -> StandUp 1004 then Sit 1009 (answered by the peer as the robot, byte-exact Responses)', async () => {
    // Capture the peer's Response bytes (Cyclone's serialisation) to compare with the codec's.
    const addon = transport.addon;
    const p = addon.createParticipant(env.domainId);
    const raw: Uint8Array[] = [];
    try {
      addon.createReader(p, addon.createTopic(p, 'rt/api/sport/response', 'unitree_api::msg::dds_::Response_'), { reliable: true, transientLocal: false, depth: 10 }, (b) => {
        for (const s of b) raw.push(s.data);
      });
      const run = await runPeer(env, ['go2', '--speech-topic', 'speech_text', '--text', '座って', '--expect', '2', '--code', '-1', '--timeout-ms', '8000']);
      expect(run.code, JSON.stringify(run.lines) + run.stderr).to.equal(0);
      const reqs = run.lines.filter((l) => l.kind === 'request');
      expect(reqs.map((r) => r.api_id)).to.deep.equal([1004, 1009]);
      expect(reqs.every((r) => r.parameter === '{}' && r.noreply === false)).to.equal(true);
      await until(() => raw.length >= 2, 'the peer responses');
      const expected = reqs.map((r) =>
        toHex(encodeMessage(reg, MSG.Response, { header: { identity: { id: BigInt(r.id as string), api_id: BigInt(r.api_id as number) }, status: { code: -1 } }, data: '', binary: [] })),
      );
      expect(raw.slice(0, 2).map(toHex)).to.deep.equal(expected);
    } finally {
      addon.deleteEntity(p);
    }
  });

  it('peer Move command -> Move 1008 with a JSON velocity parameter and noreply', async () => {
    const run = await runPeer(env, ['go2', '--text', '前に進んで', '--lang', 'ja', '--utterance-id', 'i-move', '--expect', '3', '--timeout-ms', '8000']);
    const moves = run.lines.filter((l) => l.kind === 'request' && l.api_id === 1008);
    expect(moves.length, JSON.stringify(run.lines)).to.be.greaterThan(0);
    const p = JSON.parse(moves[0]?.parameter as string) as { x: number; y: number; z: number };
    expect(p.x).to.be.greaterThan(0);
    expect(p.y).to.equal(0);
    expect(moves[0]?.noreply).to.equal(true);
    // Stop the stream so the next test starts from a quiet robot.
    await runPeer(env, ['go2', '--text', 'stop', '--lang', 'en', '--expect', '1', '--timeout-ms', '8000']);
  });

  it('peer calls /claudia/llm_query with an rmw_cyclonedds header -> the reply echoes it, with the decision', async () => {
    // Capture the peer's raw request bytes to compare with our codec's.
    const addon = transport.addon;
    const p = addon.createParticipant(env.domainId);
    const raw: Uint8Array[] = [];
    try {
      addon.createReader(p, addon.createTopic(p, 'rq/claudia/llm_queryRequest', 'claudia_llm::srv::dds_::LlmQuery_Request_'), { reliable: true, transientLocal: false, depth: 10 }, (b) => {
        for (const s of b) raw.push(s.data);
      });
      const args = ['call', '--guid', '0x8a042bf08d67254f', '--seq', '7', '--text', '座って', '--lang', 'ja', '--session', 's1', '--priority', '2', '--dry-run', '1', '--timeout-s', '1.5', '--timeout-ms', '10000'];
      const run = await runPeer(env, args);
      expect(run.code, JSON.stringify(run.lines) + run.stderr).to.equal(0);
      const reply = run.lines.find((l) => l.kind === 'reply') as Record<string, unknown>;
      expect(reply.guid).to.equal('0x8a042bf08d67254f');
      expect(reply.seq).to.equal(7);
      expect(reply.success).to.equal(true);
      expect(reply.source).to.equal('reflex');
      expect(reply.error).to.equal('');
      const actions = reply.actions as Array<{ name: string; api_id: number; verdict: string }>;
      expect(actions.map((a) => [a.name, a.api_id])).to.deep.include(['sit', 1009]);
      // Byte-exact: Cyclone's serialisation of the request equals ours for the same values.
      await until(() => raw.length > 0, 'the captured request');
      const ours = encodeServiceFrame(reg, 'claudia_llm/srv/LlmQuery_Request', { guid: 0x8a042bf08d67254fn, seq: 7n }, {
        text: '座って', language: 'ja', prompt_type: '', session_id: 's1', priority: 2, dry_run: true, timeout_s: 1.5,
      });
      expect(toHex(raw[0] as Uint8Array)).to.equal(toHex(ours));
    } finally {
      addon.deleteEntity(p);
    }
  });

  it('SpeechText bytes from the peer equal our encoding of the same values', async () => {
    const addon = transport.addon;
    const p = addon.createParticipant(env.domainId);
    const raw: Uint8Array[] = [];
    try {
      addon.createReader(p, addon.createTopic(p, 'rt/claudia/speech', 'claudia_llm::msg::dds_::SpeechText_'), { reliable: true, transientLocal: false, depth: 10 }, (b) => {
        for (const s of b) raw.push(s.data);
      });
      const values = { stamp: { sec: 1700000000, nanosec: 500 }, utterance_id: 'u-bytes', text: 'お手 🐕', language: 'ja', confidence: 0.875, is_final: false, source: 'asr' };
      const run = await runPeer(env, ['go2', '--text', values.text, '--lang', 'ja', '--utterance-id', values.utterance_id, '--confidence', '0.875', '--final', '0', '--source', 'asr',
        '--stamp-sec', '1700000000', '--stamp-nanosec', '500', '--expect', '0', '--timeout-ms', '8000']);
      expect(run.code, run.stderr).to.equal(0);
      await until(() => raw.length > 0, 'the captured speech');
      expect(toHex(raw[0] as Uint8Array)).to.equal(toHex(encodeMessage(reg, MSG.SpeechText, values)));
    } finally {
      addon.deleteEntity(p);
    }
  });

  for (const [label, text] of [
    ['a 5,000-character Japanese string', Array.from({ length: 5000 }, (_, i) => 'あ座っ立て犬お手🐕'[i % 8] ?? 'あ').join('')],
    ['a >64 KB payload (fragmented)', '日本語とEnglish混在'.repeat(6000)],
  ] as const) {
    it(`${label} goes node -> peer -> node intact (peer decodes and re-encodes it)`, async () => {
      const got: string[] = [];
      const sub = transport.createSubscription<StringMsg>(MSG.String, 'echo_out', (m) => got.push(m.data));
      const pub = transport.createPublisher<StringMsg>(MSG.String, 'echo_in');
      try {
        const peer = runPeer(env, ['echo', '--in', 'rt/claudia/echo_in', '--out', 'rt/claudia/echo_out', '--count', '1', '--timeout-ms', '10000']);
        await until(() => transport.matched('echo_in').writers > 0 && transport.matched('echo_out').readers > 0, 'the echo peer');
        pub.publish({ data: text });
        await until(() => got.length > 0, 'the echoed string', 10_000);
        const run = await peer;
        expect(run.code, run.stderr).to.equal(0);
        expect(got[0]?.length).to.equal(text.length);
        expect(got[0] === text).to.equal(true);
        const echoed = run.lines.find((l) => l.kind === 'echoed');
        expect(echoed?.bytes).to.equal(Buffer.byteLength(text));
        if (label.startsWith('a >64')) expect(Buffer.byteLength(text)).to.be.greaterThan(65536);
      } finally {
        sub.close();
      }
    });
  }
});
