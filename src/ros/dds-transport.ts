import { ddsTypeName, encodeMessage, decodeMessage, loadMessageRegistry, rosTopicToDds, type MessageRegistry } from '../cdr';
import type { Clock } from '../util/clock';
import { ClaudiaError } from '../util/errors';
import type { Logger } from '../util/logger';
import type { ComponentStatus, StatusSource } from '../util/telemetry';
import { cycloneConfig, loadDdsAddon, type AddonQos, type DdsAddon } from './dds-addon';
import { createDiscoveryInfo } from './dds-discovery-info';
import { createDdsClient, createDdsService } from './dds-service';
import { createActionServerOver } from './action-server';
import { DEFAULT_QOS, resolveRosName, type ActionServer, type ActionServerOptions, type GoalExecutor, type Publisher, type QosProfile, type RosTransport, type Subscription } from './types';

export interface DdsTransportOptions {
  namespace: string;
  nodeName: string;
  clock: Clock;
  logger: Logger;
  /** DDS domain (ROS_DOMAIN_ID). */
  domainId: number;
  remap?: ReadonlyMap<string, string>;
  /** Pin Cyclone to one interface (name or IPv4 address); CYCLONEDDS_URI is kept. */
  networkInterface?: string;
  /** Interface definitions; default: the package's msg/, srv/ and interfaces/. */
  registry?: MessageRegistry;
  /** Injected for tests; default: the built native addon. */
  addon?: DdsAddon;
}

/** What the dds transport adds to RosTransport (tests, benchmarks and status use it). */
export interface DdsTransport extends RosTransport, StatusSource {
  readonly component: 'transport';
  readonly addon: DdsAddon;
  readonly registry: MessageRegistry;
  /** Number of remote endpoints matched with the local writer/reader of a ROS name. */
  matched(rosName: string): { writers: number; readers: number };
  /** Health for /diagnostics and the dashboard: peers per topic, undecodable samples dropped. */
  status(): ComponentStatus;
}

/** The shared state of one dds transport, used by its publishers, subscriptions and services. */
export interface DdsContext {
  addon: DdsAddon;
  participant: number;
  reg: MessageRegistry;
  logger: Logger;
  clock: Clock;
  /** The topic entity for a DDS topic name, created once; a second type for one name is refused. */
  topic(ddsName: string, type: string): number;
  reader(ddsName: string, type: string, qos: Partial<QosProfile> | undefined, onSample: (bytes: Uint8Array) => void): number;
  writer(ddsName: string, type: string, qos: Partial<QosProfile> | undefined): number;
  release(entity: number): void;
  closed(): boolean;
}

export function toAddonQos(qos: Partial<QosProfile> | undefined): AddonQos {
  const q = { ...DEFAULT_QOS, ...qos };
  return { reliable: q.reliability === 'reliable', transientLocal: q.durability === 'transient_local', depth: q.depth };
}

/**
 * ROS 2 over Cyclone DDS without ROS: rmw_cyclonedds naming (`rt/` topics, `rq/`/`rr/`
 * services with the 16-byte request header, `pkg::msg::dds_::T_` types), the project's own
 * CDR codec, and `ros_discovery_info` so ROS 2 tools list the node.
 */
export async function createDdsTransport(opts: DdsTransportOptions): Promise<DdsTransport> {
  const addon = opts.addon ?? loadDdsAddon();
  const reg = opts.registry ?? loadMessageRegistry();
  if (!Number.isInteger(opts.domainId) || opts.domainId < 0 || opts.domainId > 232) {
    throw new ClaudiaError('E_CONFIG', `transport.dds_domain_id must be an integer 0..232, got ${opts.domainId}`);
  }
  let participant: number;
  try {
    participant = addon.createParticipant(opts.domainId, cycloneConfig(opts.networkInterface));
  } catch (err) {
    if (err instanceof ClaudiaError) throw err;
    throw new ClaudiaError(
      'E_TRANSPORT',
      `creating the DDS participant on domain ${opts.domainId} failed (${(err as Error).message}); check transport.dds_network_interface` +
        `${opts.networkInterface ? ` ('${opts.networkInterface}')` : ''} and CYCLONEDDS_URI${process.env.CYCLONEDDS_URI ? ` ('${process.env.CYCLONEDDS_URI}')` : ''}; Cyclone prints the cause on stderr`,
      { cause: err },
    );
  }
  const resolve = (name: string) => resolveRosName(opts.namespace, name, opts.remap);
  const topics = new Map<string, { handle: number; type: string }>();
  const endpoints = new Map<string, { writer?: number; reader?: number }>();
  let isClosed = false;
  let discovery: ReturnType<typeof createDiscoveryInfo> | undefined;
  try {
    discovery = createDiscoveryInfo({ addon, participant, reg, logger: opts.logger, nodeNamespace: opts.namespace, nodeName: opts.nodeName });
  } catch (err) {
    opts.logger.warn('ros_discovery_info unavailable; ROS 2 tools will not list this node', { error: (err as Error).message });
  }

  const ctx: DdsContext = {
    addon,
    participant,
    reg,
    logger: opts.logger,
    clock: opts.clock,
    topic(ddsName, type) {
      const known = topics.get(ddsName);
      if (known) {
        if (known.type !== type) throw new ClaudiaError('E_TRANSPORT', `DDS topic ${ddsName} carries ${known.type}; cannot use it as ${type}`);
        return known.handle;
      }
      const handle = addon.createTopic(participant, ddsName, ddsTypeName(type));
      topics.set(ddsName, { handle, type });
      return handle;
    },
    reader(ddsName, type, qos, onSample) {
      reg.get(type); // unknown types fail here, before any entity exists
      const handle = addon.createReader(participant, ctx.topic(ddsName, type), toAddonQos(qos), (batch) => {
        if (isClosed) return;
        for (const s of batch) onSample(s.data);
      });
      discovery?.addReader(handle);
      endpoints.set(ddsName, { ...endpoints.get(ddsName), reader: handle });
      return handle;
    },
    writer(ddsName, type, qos) {
      reg.get(type);
      const handle = addon.createWriter(participant, ctx.topic(ddsName, type), toAddonQos(qos));
      discovery?.addWriter(handle);
      endpoints.set(ddsName, { ...endpoints.get(ddsName), writer: handle });
      return handle;
    },
    release(entity) {
      if (isClosed) return;
      discovery?.remove(entity);
      addon.deleteEntity(entity);
    },
    closed: () => isClosed,
  };

  const closers = new Set<() => void>();
  const publishers = new Map<string, number>();
  let dropped = 0;
  const transport: DdsTransport = {
    kind: 'dds',
    component: 'transport',
    addon,
    registry: reg,
    clock: opts.clock,
    logger: opts.logger,
    namespace: opts.namespace,
    resolveName: resolve,
    createPublisher<T>(type: string, topic: string, qos?: Partial<QosProfile>): Publisher<T> {
      const full = resolve(topic);
      const writer = ctx.writer(rosTopicToDds(full), type, qos);
      publishers.set(full, writer);
      return {
        topic: full,
        type,
        publish(msg: T) {
          if (isClosed) throw new ClaudiaError('E_TRANSPORT', `publish on ${full} after the dds transport was closed`);
          addon.write(writer, encodeMessage(reg, type, msg));
        },
      };
    },
    createSubscription<T>(type: string, topic: string, onMessage: (msg: T) => void, qos?: Partial<QosProfile>): Subscription {
      const full = resolve(topic);
      let bad = 0;
      const reader = ctx.reader(rosTopicToDds(full), type, qos, (bytes) => {
        let msg: T;
        try {
          msg = decodeMessage<T>(reg, type, bytes);
        } catch (err) {
          // Bad bytes from the network are logged (rate-limited), never thrown into DDS.
          dropped++;
          if (bad++ % 100 === 0) opts.logger.warn('dropped an undecodable message', { topic: full, type, error: (err as Error).message, dropped: bad });
          return;
        }
        try {
          onMessage(msg);
        } catch (err) {
          opts.logger.error('subscription callback threw', { topic: full, error: String(err) });
        }
      });
      const close = () => {
        closers.delete(close);
        ctx.release(reader);
      };
      closers.add(close);
      return { topic: full, close };
    },
    createService<Req, Res>(type: string, name: string, handler: (req: Req) => Promise<Res>) {
      const svc = createDdsService<Req, Res>(ctx, type, resolve(name), handler);
      const close = () => {
        closers.delete(close);
        svc.close();
      };
      closers.add(close);
      return { name: svc.name, close };
    },
    createClient<Req, Res>(type: string, name: string) {
      const client = createDdsClient<Req, Res>(ctx, type, resolve(name));
      closers.add(() => client.close());
      return client;
    },
    createActionServer<G, R, F>(type: string, name: string, execute: GoalExecutor<G, R, F>, o?: ActionServerOptions): ActionServer {
      // rmw_cyclonedds naming falls out of the primitives: rq/<name>/_action/send_goalRequest, ..., rt/<name>/_action/status.
      reg.action(type);
      const server = createActionServerOver<G, R, F>(transport, type, name, execute, o);
      const close = () => {
        closers.delete(close);
        server.close();
      };
      closers.add(close);
      return { name: server.name, close };
    },
    matched(rosName: string) {
      const e = endpoints.get(rosTopicToDds(resolve(rosName)));
      return {
        writers: e?.writer !== undefined ? addon.publicationMatched(e.writer) : 0,
        readers: e?.reader !== undefined ? addon.subscriptionMatched(e.reader) : 0,
      };
    },
    status(): ComponentStatus {
      if (isClosed) return { level: 'error', message: 'dds transport closed', values: {} };
      const values: Record<string, string | number | boolean> = {
        kind: 'dds',
        cyclonedds: addon.version(),
        domain_id: opts.domainId,
        dropped_undecodable: dropped,
      };
      // Readers matched per publisher: 0 on /api/sport/request means the robot is not seen.
      for (const [topic, writer] of publishers) values[`peers ${topic}`] = addon.publicationMatched(writer);
      return { level: dropped > 0 ? 'warn' : 'ok', message: dropped > 0 ? `${dropped} undecodable samples dropped` : 'ok', values };
    },
    async close() {
      if (isClosed) return;
      discovery?.close();
      for (const c of [...closers]) c();
      closers.clear();
      isClosed = true;
      addon.deleteEntity(participant); // deletes every reader, writer and topic of the node
    },
  };
  return transport;
}
