import type { MessageRegistry } from '../cdr';
import { MSG, type LlmResponseMsg, type SpeechTextMsg, type StringMsg, type UnitreeRequestMsg, type UnitreeResponseMsg } from '../ros/messages';
import type { Publisher, RosTransport } from '../ros/types';
import { createSystemClock, flushMicrotasks, type Clock } from '../util/clock';
import { ClaudiaError } from '../util/errors';
import type { Logger } from '../util/logger';
import { openBag } from './bag-reader';
import { createBagWriter } from './bag-writer';
import type { UtteranceOutcome } from './expectations';
import { attachRobotStandIn } from './robot-stand-in';
import { createReplayDriver } from './replay-driver';
import { matchOutcomes, type PlayedUtterance, type ReplayOutput } from './replay-outcomes';
import { createSteppingClock } from './stepping-clock';
import { createTypedBagWriter, decodeBagPayload, type TypedBagWriter } from './typed-bag';
import type { BagMetadata, BagReader, BagTopic } from './types';

/** The node's topic names, resolved (absolute). */
export interface ReplayTopics {
  speech_text: string;
  speech: string;
  response: string;
  sport_request: string;
  sport_response: string;
}

/** A running node plus a peer on its graph/network that plays inputs and observes outputs. */
export interface ReplayConnection {
  peer: RosTransport;
  /**
   * True when the node talks to something over real I/O (an LLM over HTTP, even the in-process
   * simulator). Only then does the virtual-time driver wait for real I/O between steps.
   */
  realIo: boolean;
  /** Changes whenever the I/O peer makes progress (e.g. the simulator's request counters). */
  ioState?(): string;
  /** True while a request or an answer is known to be in transit (sent but not yet received). */
  ioBusy?(): boolean;
  /**
   * Resolves once the peer's endpoints are matched with the node's (DDS discovery), so the
   * first played message is not lost: `publishing` are the peer's writers, `subscribed` its readers.
   */
  ready?(endpoints: { publishing: string[]; subscribed: string[] }): Promise<void>;
  close(): Promise<void>;
}

export interface ReplayDeps {
  registry: MessageRegistry;
  logger: Logger;
  /** Starts a fresh node on `clock` and a peer next to it (memory graph, or DDS). */
  connect(clock: Clock): Promise<ReplayConnection>;
  /** Real time, only to give real I/O (the simulator's HTTP) a chance between virtual steps. */
  realClock?: Clock;
}

export interface ReplayOptions {
  bagDir: string;
  /** Output bag folder; none = outputs kept in memory only. */
  outDir?: string;
  topics: ReplayTopics;
  /** Scale of recorded gaps: 2 = twice as fast; 0 = as fast as possible. */
  rate: number;
  /**
   * virtual: the node runs on virtual time that follows the recorded timing (scaled by rate when
   * rate > 0); waiting costs no wall time, so every rate is "as fast as possible" and outcomes are
   * deterministic. system: real time (needed for a real Ollama or DDS peers); rate 0 sends back to back.
   */
  clock: 'virtual' | 'system';
  /** Keep the node running this long after the last input so Move streams and sequences finish. */
  tailMs: number;
  /** Answer motion commands as a robot would (code 0 after latencyMs); none = no robot: commands time out. */
  robot?: { latencyMs: number };
  /** How long to wait (real ms) for a response that waits on real I/O before moving virtual time anyway. */
  ioWaitMs?: number;
}

export interface ReplayResult {
  /** Input messages played. */
  played: number;
  outcomes: UtteranceOutcome[];
  outputs: ReplayOutput[];
  sportApiIds: number[];
  outMetadata?: BagMetadata;
  /** Virtual (or real) ms from the first input to the end of the tail. */
  spanMs: number;
}

/**
 * Plays the speech topics of a bag into a fresh node and records what it publishes. The input
 * bag is read lazily (streamed), so a long bag does not sit in memory.
 */
export async function replayBag(opts: ReplayOptions, deps: ReplayDeps): Promise<ReplayResult> {
  if (!(opts.rate >= 0) || !Number.isFinite(opts.rate)) throw new ClaudiaError('E_BAD_INPUT', `--rate must be a number >= 0 (0 = as fast as possible), got ${opts.rate}`);
  const reader = openBag(opts.bagDir);
  let writer: TypedBagWriter | undefined;
  let conn: ReplayConnection | undefined;
  try {
    const inputTopics = pickInputTopics(reader.topics(), opts.topics, opts.bagDir);
    // Time zero is the first played message, not metadata's starting_time: that one may be stale
    // (a bag whose writer crashed) or cover topics that are not played.
    const t0 = firstTimestamp(reader, inputTopics) ?? reader.summary.metadata.starting_time_ns;
    const stepping = opts.clock === 'virtual' ? createSteppingClock(t0) : undefined;
    const clock: Clock = stepping ?? createSystemClock();
    const realClock = deps.realClock ?? (stepping ? createSystemClock() : clock);

    if (opts.outDir) {
      writer = createTypedBagWriter({ writer: createBagWriter({ dir: opts.outDir }), registry: deps.registry });
      for (const t of inputTopics) writer.addTopic(t.name, t.type);
      writer.addTopic(opts.topics.sport_request, MSG.Request);
      writer.addTopic(opts.topics.response, MSG.LlmResponse);
      writer.addTopic(opts.topics.sport_response, MSG.Response);
    }

    conn = await deps.connect(clock);
    const peer = conn.peer;
    const outputs: ReplayOutput[] = [];
    const responses: LlmResponseMsg[] = [];
    let outputSeq = 0;
    peer.createSubscription<UnitreeRequestMsg>(MSG.Request, opts.topics.sport_request, (msg) => {
      outputSeq++;
      outputs.push({ topic: opts.topics.sport_request, sport: { api_id: Number(msg.header.identity.api_id), parameter: msg.parameter } });
      writer?.writeMessage(opts.topics.sport_request, clock.wallNs(), msg);
    });
    peer.createSubscription<LlmResponseMsg>(MSG.LlmResponse, opts.topics.response, (msg) => {
      outputSeq++;
      outputs.push({ topic: opts.topics.response, response: msg });
      responses.push(msg);
      writer?.writeMessage(opts.topics.response, clock.wallNs(), msg);
    });
    if (writer) {
      const w = writer;
      peer.createSubscription<UnitreeResponseMsg>(MSG.Response, opts.topics.sport_response, (msg) => w.writeMessage(opts.topics.sport_response, clock.wallNs(), msg));
    }
    const standIn = opts.robot
      ? attachRobotStandIn({ peer, clock, requestTopic: opts.topics.sport_request, responseTopic: opts.topics.sport_response, latencyMs: opts.robot.latencyMs })
      : undefined;
    const pubs = new Map<string, Publisher<unknown>>(inputTopics.map((t) => [t.name, peer.createPublisher<unknown>(t.type, t.name)]));

    await conn.ready?.({
      publishing: [...pubs.keys(), ...(standIn ? [opts.topics.sport_response] : [])],
      subscribed: [opts.topics.sport_request, opts.topics.response],
    });

    const played: PlayedUtterance[] = [];
    const pending = () => Math.max(0, played.length - responses.length);
    const ioState = conn.ioState?.bind(conn);
    const fingerprint = () => `${responses.length}:${outputSeq}:${stepping?.pending() ?? 0}:${stepping?.nextDue() ?? ''}:${ioState?.() ?? ''}`;

    const driver = createReplayDriver({
      stepping,
      realClock,
      realIo: conn.realIo,
      ioBusy: () => conn?.ioBusy?.() ?? false,
      pending,
      fingerprint,
      ioWaitMs: opts.ioWaitMs ?? 5000,
    });

    const start = clock.now();
    const scale = opts.rate > 0 ? opts.rate : stepping ? 1 : Infinity;
    const topicByName = new Map(inputTopics.map((t) => [t.name, t]));
    let index = 0;
    for (const m of reader.messages({ topics: inputTopics.map((t) => t.name) })) {
      const topic = topicByName.get(m.topic) as BagTopic;
      const msg = decodeBagPayload<Record<string, unknown>>(deps.registry, topic, m.data, index++);
      const target = start + Number(m.timestamp - t0) / 1e6 / scale;
      if (stepping) await driver.advanceTo(target);
      else if (target > clock.now()) await clock.sleep(target - clock.now());
      (pubs.get(m.topic) as Publisher<unknown>).publish(msg);
      writer?.writeMessage(m.topic, clock.wallNs(), msg);
      const u = asUtterance(topic.type, msg);
      if (u) played.push({ index: played.length, ...u });
      if (stepping) await driver.settle();
      else await flushMicrotasks();
    }
    if (stepping) await driver.advanceTo(stepping.now() + opts.tailMs);
    else await drainSystem(clock, opts.tailMs, pending, () => outputSeq);
    const spanMs = clock.now() - start;

    standIn?.close();
    const closing = conn.close();
    conn = undefined;
    await driver.closeTicking(closing);
    await flushMicrotasks();
    const outMetadata = writer?.raw.close();
    return { played: index, outcomes: matchOutcomes(played, responses), outputs, sportApiIds: outputs.flatMap((o) => (o.sport ? [o.sport.api_id] : [])), outMetadata, spanMs };
  } finally {
    if (conn) await conn.close().catch(() => undefined);
    writer?.raw.close();
    reader.close();
  }
}

/** Real time: wait for every response, then until outputs have been quiet for a second, bounded by tail. */
async function drainSystem(clock: Clock, tailMs: number, pending: () => number, seq: () => number): Promise<void> {
  const end = clock.now() + tailMs;
  let last = seq();
  let quietSince = clock.now();
  while (clock.now() < end) {
    await clock.sleep(Math.min(50, Math.max(1, end - clock.now())));
    if (seq() !== last) {
      last = seq();
      quietSince = clock.now();
    }
    if (pending() === 0 && clock.now() - quietSince >= 1000) return;
  }
}

function firstTimestamp(reader: BagReader, topics: BagTopic[]): bigint | undefined {
  const it = reader.messages({ topics: topics.map((t) => t.name) });
  try {
    const first = it.next();
    return first.done ? undefined : first.value.timestamp;
  } finally {
    it.return?.();
  }
}

function pickInputTopics(topics: BagTopic[], names: ReplayTopics, dir: string): BagTopic[] {
  const wanted: Array<[string, string]> = [
    [names.speech_text, MSG.String],
    [names.speech, MSG.SpeechText],
  ];
  const out: BagTopic[] = [];
  for (const [name, type] of wanted) {
    const t = topics.find((x) => x.name === name);
    if (!t) continue;
    if (t.type !== type) throw new ClaudiaError('E_BAG', `bag ${dir}: topic ${name} has type ${t.type}, but the node reads ${type} there; this bag cannot be replayed into it`);
    out.push(t);
  }
  if (out.length === 0) {
    throw new ClaudiaError(
      'E_BAG',
      `bag ${dir} has none of the speech topics ${names.speech_text} (${MSG.String}) or ${names.speech} (${MSG.SpeechText}); it has ${topics.map((t) => t.name).join(', ') || 'no topics'} — set topics.*/node.namespace to the recorded names`,
    );
  }
  return out;
}

/** Final utterances get a response; partial SpeechText results (is_final false) do not count as utterances. */
function asUtterance(type: string, msg: Record<string, unknown>): { text: string; utteranceId?: string } | undefined {
  if (type === MSG.String) return { text: String((msg as unknown as StringMsg).data) };
  const s = msg as unknown as SpeechTextMsg;
  if (s.is_final === false) return undefined;
  return { text: String(s.text), utteranceId: s.utterance_id || undefined };
}
