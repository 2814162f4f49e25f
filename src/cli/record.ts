import { createInterface } from 'node:readline';
import { createApp, type App } from '../app';
import { attachRobotStandIn, createBagWriter, createTopicRecorder, createTypedBagWriter, defaultRecordTopics, formatBagInfo, openBag, parseTopicList, replayTopics, type RecordTopic } from '../bag';
import { loadMessageRegistry } from '../cdr';
import type { Config } from '../config/types';
import { createTransport } from '../ros/create-transport';
import { createMemoryTransport, MemoryGraph } from '../ros/memory-transport';
import { MSG, type LlmResponseMsg, type StringMsg } from '../ros/messages';
import { parseRosArgs } from '../ros/ros-args';
import type { RosTransport } from '../ros/types';
import { createSystemClock, type Clock } from '../util/clock';
import { asClaudiaError, BadInputError } from '../util/errors';
import { createConsoleLogger, excerpt, type Logger } from '../util/logger';
import { configFromFlags, parseNodeArgs } from './node-options';
import type { CliCommand, CliIo } from './types';

const USAGE =
  'usage: claudia-llm record <out_dir> [--topics a,b,name:pkg/msg/Type] [--transport memory|dds|rclnodejs] [--duration S] [--tail S] [--robot ack|none] [--params FILE] [--no-llm]\n' +
  '  memory: runs the node in-process (with a robot stand-in that acknowledges commands); each line on stdin is one utterance on speech_text\n' +
  '  dds, rclnodejs: records the topics of a node running elsewhere, until --duration or Ctrl-C';

export interface RecordRun {
  outDir: string;
  config: Readonly<Config>;
  topics: RecordTopic[];
  /** Stop after this long (ms); undefined = until input ends (memory) or a signal (dds). */
  durationMs?: number;
  /** memory: keep recording this long after the last utterance was answered (Move streams, sequences). */
  tailMs: number;
  /** memory: acknowledge motion commands as a robot would (the in-process node has no robot). */
  robot?: { latencyMs: number };
  /** memory: serve config.metrics for the in-process node (off unless --metrics-port is given). */
  metrics?: boolean;
  /** memory: the utterances, one per line. */
  lines?: AsyncIterable<string>;
  signal?: AbortSignal;
  clock: Clock;
  logger: Logger;
  io: CliIo;
}

/**
 * `claudia-llm record`: a Foxy bag of the node's topics. With the memory transport it runs its
 * own node and feeds it stdin; with dds it only listens, so it records whatever node (ours or
 * ROS's) is on the network.
 */
export const command: CliCommand = async (argv, io) => {
  let parsed;
  try {
    parsed = parseNodeArgs(argv, { topics: { type: 'string' }, duration: { type: 'string' }, tail: { type: 'string' }, robot: { type: 'string' } });
  } catch (err) {
    io.err(`claudia-llm record: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals, ros } = parsed;
  if (positionals.length !== 1) {
    io.err(USAGE);
    return 2;
  }
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const config = configFromFlags({ ...values, transport: values.transport ?? 'memory' }, ros.length ? parseRosArgs(ros) : undefined);
    const durationMs = seconds(values.duration as string | undefined, '--duration');
    const kind = config.transport.kind;
    if (kind !== 'memory' && durationMs === undefined) io.err('recording until Ctrl-C (or give --duration S)');
    const robot = (values.robot as string | undefined) ?? 'ack';
    if (robot !== 'ack' && robot !== 'none') throw new BadInputError(`--robot must be ack or none, got '${robot}'`);
    const rl = kind === 'memory' ? createInterface({ input: process.stdin, crlfDelay: Infinity }) : undefined;
    try {
      await recordSession({
        outDir: positionals[0] as string,
        config,
        topics: values.topics ? parseTopicList(values.topics as string, config) : defaultRecordTopics(config),
        durationMs,
        tailMs: seconds(values.tail as string | undefined, '--tail') ?? 2000,
        lines: rl,
        robot: robot === 'ack' ? { latencyMs: 20 } : undefined,
        metrics: values['metrics-port'] !== undefined,
        signal: controller.signal,
        clock: createSystemClock(),
        logger: createConsoleLogger({ level: values['log-level'] ? config.log.level : 'warn', write: (l) => io.err(l) }),
        io,
      });
    } finally {
      rl?.close();
    }
    return 0;
  } catch (err) {
    io.err(`claudia-llm record: ${asClaudiaError(err).toField()}`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
};

function seconds(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new BadInputError(`${flag} must be a number of seconds >= 0, got '${v}'`);
  return n * 1000;
}

/** Records one session; resolves after the bag is closed (metadata.yaml written). */
export async function recordSession(run: RecordRun): Promise<void> {
  const { config, clock, logger, io } = run;
  const registry = loadMessageRegistry();
  const writer = createTypedBagWriter({ writer: createBagWriter({ dir: run.outDir }), registry });
  let app: App | undefined;
  let peer: RosTransport | undefined;
  let standIn: { close(): void } | undefined;
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  run.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = run.durationMs !== undefined ? clock.setTimeout(() => stop.abort(), run.durationMs) : undefined;
  try {
    if (config.transport.kind === 'memory') {
      const graph = new MemoryGraph();
      // The in-process node serves no dashboard unless asked (--metrics-port): a recording must not fight a running node for the port.
      const cfg = run.metrics ? config : { ...config, metrics: { ...config.metrics, enabled: false } };
      app = await createApp(cfg, { clock, logger, graph });
      await app.start();
      peer = createMemoryTransport({ graph, namespace: '/', clock, logger });
      if (run.robot) {
        const t = replayTopics(config);
        standIn = attachRobotStandIn({ peer, clock, requestTopic: t.sport_request, responseTopic: t.sport_response, latencyMs: run.robot.latencyMs });
      }
    } else {
      peer = await createTransport(config.transport.kind, { namespace: '/', nodeName: `${config.node.name}_recorder`, clock, logger, config });
    }
    const recorder = createTopicRecorder({ transport: peer, registry, writer, topics: run.topics, clock, logger });
    if (app) await feedUtterances(run, peer, stop.signal);
    else await waitAborted(stop.signal);
    // Closing the node ends a running Move with StopMove: still recorded, the recorder listens until after.
    await app?.close();
    app = undefined;
    recorder.stop();
  } finally {
    standIn?.close();
    clock.clearTimeout(timer);
    run.signal?.removeEventListener('abort', onAbort);
    await app?.close().catch(() => undefined);
    await peer?.close().catch(() => undefined);
    writer.raw.close();
  }
  const reader = openBag(run.outDir);
  try {
    io.out(formatBagInfo(reader.summary));
  } finally {
    reader.close();
  }
}

/** Publishes each stdin line as an utterance and waits for its answer, so a piped script reads like a conversation. */
async function feedUtterances(run: RecordRun, peer: RosTransport, signal: AbortSignal): Promise<void> {
  const { clock, io, config } = run;
  const topics = replayTopics(config);
  const speech = peer.createPublisher<StringMsg>(MSG.String, topics.speech_text);
  let answered = 0;
  let wake: (() => void) | undefined;
  const sub = peer.createSubscription<LlmResponseMsg>(MSG.LlmResponse, topics.response, (r) => {
    answered++;
    const acts = r.actions.map((a) => `${a.name}${a.verdict === 'ok' ? '' : `(${a.verdict})`}`).join(', ');
    io.out(`> ${excerpt(r.text)} -> ${r.source}: ${excerpt(r.reply)}${acts ? ` [${acts}]` : ''}`);
    wake?.();
  });
  const answerTimeoutMs = (config.ollama.request_timeout_s + 5) * 1000;
  let sent = 0;
  try {
    if (run.lines) {
      for await (const line of untilAborted(run.lines, signal)) {
        const text = line.trim();
        if (!text) continue;
        speech.publish({ data: text });
        sent++;
        await until(() => answered >= sent, answerTimeoutMs, clock, signal, (w) => (wake = w));
      }
    }
    if (!signal.aborted) {
      if (run.durationMs !== undefined && !run.lines) await waitAborted(signal);
      else await clock.sleep(run.tailMs, signal).catch(() => undefined);
    }
  } finally {
    sub.close();
  }
}

function until(cond: () => boolean, timeoutMs: number, clock: Clock, signal: AbortSignal, setWake: (w: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    if (cond() || signal.aborted) return resolve();
    const done = () => {
      clock.clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = clock.setTimeout(done, timeoutMs);
    signal.addEventListener('abort', done, { once: true });
    setWake(() => {
      if (cond()) done();
    });
  });
}

/** Stops reading input when the signal fires (Ctrl-C, --duration), even while waiting for the next line. */
async function* untilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  const aborted = waitAborted(signal).then(() => ({ done: true, value: undefined }) as IteratorResult<T>);
  try {
    for (;;) {
      const r = await Promise.race([it.next(), aborted]);
      if (r.done || signal.aborted) return;
      yield r.value;
    }
  } finally {
    await it.return?.();
  }
}

function waitAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
