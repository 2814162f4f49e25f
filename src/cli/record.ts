import { createInterface } from 'node:readline';
import { Option } from 'commander';
import { createApp, type App } from '../app';
import { attachRobotStandIn, createBagWriter, createTopicRecorder, createTypedBagWriter, defaultRecordTopics, formatBagInfo, openBag, parseTopicList, replayTopics, type RecordTopic } from '../bag';
import { loadMessageRegistry } from '../cdr';
import type { Config } from '../config/types';
import { createTransport } from '../ros/create-transport';
import { createMemoryTransport, MemoryGraph } from '../ros/memory-transport';
import { MSG, type LlmResponseMsg, type StringMsg } from '../ros/messages';
import type { RosTransport } from '../ros/types';
import { createSystemClock, type Clock, type TimerHandle } from '../util/clock';
import { createConsoleLogger, excerpt, type Logger } from '../util/logger';
import { EXIT } from './exit-codes';
import { startHeartbeat } from './heartbeat';
import { addNodeOptions, configFromOptions, rosArgsOf, type NodeOpts } from './node-options';
import { positiveSeconds, seconds } from './option-parsers';
import type { CliCommandSpec, CliIo } from './types';
import { terminalSafe } from '../util/terminal-text';

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
  /** Say on stderr, every few seconds, how many messages have been recorded (nothing else is printed while listening). */
  progress?: boolean;
}

interface RecordOpts extends NodeOpts {
  topics?: string;
  duration?: number;
  tail: number;
  robot: string;
}

/**
 * `claudia-llm record`: a Foxy bag of the node's topics. With the memory transport it runs its
 * own node and feeds it stdin; with dds it only listens, so it records whatever node (ours or
 * ROS's) is on the network.
 */
export const spec: CliCommandSpec<RecordOpts> = {
  rosArgs: true,
  keepsRunningOnClosedPipe: true,
  define(cmd) {
    cmd
      .argument('<out_dir>', 'the bag folder to create (must not exist)')
      .option('--topics <list>', "topics to record, comma-separated; name:pkg/msg/Type for one the node does not know (default: the node's topics)")
      .option('--duration <s>', 'stop after this many seconds (default: end of stdin for memory, Ctrl-C for dds)', positiveSeconds)
      .option('--tail <s>', 'memory: keep recording this long after the last answer (Move streams, sequences)', seconds, 2)
      .addOption(new Option('--robot <mode>', 'memory: a robot stand-in that acknowledges commands (ack), or none').choices(['ack', 'none']).default('ack'))
      .addHelpText('after', [
        '',
        'memory (default): runs the node in-process; each line on stdin is one utterance on speech_text.',
        'dds, rclnodejs: records the topics of a node running elsewhere, until --duration or Ctrl-C.',
        '',
        'Examples:',
        "  printf '座って\\nお手\\n' | npx claudia-llm record /tmp/talk --no-llm",
        '  npx claudia-llm record /tmp/robot --transport dds --duration 30',
      ].join('\n'));
    addNodeOptions(cmd, { transportDefault: 'memory' });
  },
  async run({ args, opts, ros, io, env }) {
    const outDir = args[0] as string;
    const config = configFromOptions(opts, rosArgsOf(ros));
    const kind = config.transport.kind;
    const durationMs = opts.duration === undefined ? undefined : opts.duration * 1000;
    const controller = new AbortController();
    void env.untilStopped().then(() => controller.abort());
    if (kind === 'memory') {
      io.err(`claudia-llm record: recording into ${outDir}; one utterance per line on stdin, answers below. End with Ctrl-D (end of input)${durationMs === undefined ? '' : `, after ${opts.duration} s`} or Ctrl-C.`);
    } else {
      io.err(`claudia-llm record: recording the ${kind} network into ${outDir}; ${durationMs === undefined ? 'Ctrl-C ends it (or give --duration S)' : `stops after ${opts.duration} s, or Ctrl-C`}.`);
    }
    const rl = kind === 'memory' ? createInterface({ input: env.stdin, crlfDelay: Infinity }) : undefined;
    try {
      await recordSession({
        outDir,
        config,
        topics: opts.topics ? parseTopicList(opts.topics, config) : defaultRecordTopics(config),
        durationMs,
        tailMs: opts.tail * 1000,
        lines: rl,
        robot: opts.robot === 'ack' ? { latencyMs: 20 } : undefined,
        metrics: opts.metricsPort !== undefined,
        signal: controller.signal,
        clock: createSystemClock(),
        logger: createConsoleLogger({ level: opts.logLevel ? config.log.level : 'warn', write: (l) => io.err(l) }),
        io,
        progress: kind !== 'memory',
      });
    } finally {
      rl?.close();
    }
    return EXIT.OK;
  },
};

/** Records one session; resolves after the bag is closed (metadata.yaml written). */
export async function recordSession(run: RecordRun): Promise<void> {
  const { config, clock, logger, io } = run;
  const registry = loadMessageRegistry();
  const writer = createTypedBagWriter({ writer: createBagWriter({ dir: run.outDir }), registry });
  let app: App | undefined;
  let peer: RosTransport | undefined;
  let standIn: { close(): void } | undefined;
  let heartbeat: { stop(): void } | undefined;
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  run.signal?.addEventListener('abort', onAbort, { once: true });
  let timer: TimerHandle | undefined;
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
    // --duration counts from here, when the recorder listens: start-up (DDS discovery, the node) is not recording time.
    if (run.durationMs !== undefined) timer = clock.setTimeout(() => stop.abort(), run.durationMs);
    heartbeat = run.progress ? startHeartbeat({ io, prefix: 'claudia-llm record', firstAfterMs: 3000, describe: (s) => progressLine(recorder.counts(), s) }) : undefined;
    if (app) await feedUtterances(run, peer, stop.signal);
    else await waitAborted(stop.signal);
    // Closing the node ends a running Move with StopMove: still recorded, the recorder listens until after.
    await app?.close();
    app = undefined;
    recorder.stop();
  } finally {
    heartbeat?.stop();
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

function progressLine(counts: ReadonlyMap<string, number>, elapsedS: number): string {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const busy = [...counts].filter(([, n]) => n > 0).map(([t, n]) => `${t} ${n}`);
  return `${total} message(s) recorded in ${elapsedS} s${busy.length ? ` (${busy.join(', ')})` : ' (nothing heard yet: is the node running, on the same DDS domain?)'}; Ctrl-C ends it`;
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
    io.out(terminalSafe(`> ${excerpt(r.text)} -> ${r.source}: ${excerpt(r.reply)}${acts ? ` [${acts}]` : ''}`));
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
