import type { Clock } from '../util/clock';
import { ClaudiaError } from '../util/errors';
import type { Logger } from '../util/logger';
import { createActionServerOver } from './action-server';
import {
  resolveRosName,
  type ActionServer,
  type ActionServerOptions,
  type GoalExecutor,
  type Publisher,
  type QosProfile,
  type RosTransport,
  type Service,
  type ServiceClient,
  type Subscription,
} from './types';

type Listener = (msg: unknown) => void;

/**
 * A message copied for one receiver as structuredClone copies it, except that strings are
 * shared: they are immutable, so nobody can tell, and an 8 MB utterance is not copied (16 MB,
 * tens of ms) before L0 reads it. Plain objects and arrays are copied here, anything else
 * (typed arrays, dates, what cannot be cloned) by structuredClone.
 */
function copyMessage<T>(msg: T): T {
  return copyValue(msg, new Map()) as T;
}

function copyValue(v: unknown, seen: Map<object, unknown>): unknown {
  if (typeof v === 'function' || typeof v === 'symbol') return structuredClone(v);
  if (typeof v !== 'object' || v === null) return v;
  const done = seen.get(v);
  if (done !== undefined) return done;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (Array.isArray(v)) {
    const out: unknown[] = new Array(v.length);
    seen.set(v, out);
    v.forEach((x, i) => (out[i] = copyValue(x, seen)));
    return out;
  }
  if (proto !== Object.prototype && proto !== null) return structuredClone(v);
  const out: Record<string, unknown> = {};
  seen.set(v, out);
  for (const [k, x] of Object.entries(v)) out[k] = copyValue(x, seen);
  return out;
}

/**
 * An in-process ROS graph: several transports (the node, a test's peer, a recorder)
 * attached to one graph see each other's topics and services. Delivery is asynchronous
 * (next microtask) like a middleware, and messages are copied so no node shares objects
 * (copyMessage).
 */
export class MemoryGraph {
  private readonly topics = new Map<string, { type: string; listeners: Set<Listener>; retained: unknown[] }>();
  private readonly services = new Map<string, { type: string; handler: (req: unknown) => Promise<unknown> }>();
  /** Every message published, for tests and the recorder: [topic, type, message]. */
  readonly taps = new Set<(topic: string, type: string, msg: unknown) => void>();

  /** `retain` > 0: a transient-local publisher; the last `retain` messages go to later transient-local subscribers. */
  publish(topic: string, type: string, msg: unknown, retain = 0): void {
    const entry = this.topicEntry(topic, type);
    for (const tap of this.taps) tap(topic, type, msg);
    if (retain > 0) {
      entry.retained.push(copyMessage(msg));
      if (entry.retained.length > retain) entry.retained.splice(0, entry.retained.length - retain);
    }
    for (const l of entry.listeners) {
      const copy = copyMessage(msg);
      queueMicrotask(() => l(copy));
    }
  }

  /** Declares a topic's type (a publisher does this), so a mismatched subscriber fails at once. */
  declare(topic: string, type: string): void {
    this.topicEntry(topic, type);
  }

  subscribe(topic: string, type: string, l: Listener, transientLocal = false): () => void {
    const entry = this.topicEntry(topic, type);
    entry.listeners.add(l);
    if (transientLocal) {
      for (const msg of entry.retained) {
        const copy = copyMessage(msg);
        queueMicrotask(() => l(copy));
      }
    }
    return () => entry.listeners.delete(l);
  }

  advertiseService(name: string, type: string, handler: (req: unknown) => Promise<unknown>): () => void {
    if (this.services.has(name)) throw new ClaudiaError('E_TRANSPORT', `service ${name} is already advertised on this graph`);
    this.services.set(name, { type, handler });
    return () => this.services.delete(name);
  }

  async call(name: string, type: string, req: unknown): Promise<unknown> {
    const svc = this.services.get(name);
    if (!svc) throw new ClaudiaError('E_TRANSPORT', `service ${name} is not available`);
    if (svc.type !== type) throw new ClaudiaError('E_TRANSPORT', `service ${name} has type ${svc.type}, not ${type}`);
    await Promise.resolve();
    return copyMessage(await svc.handler(copyMessage(req)));
  }

  hasService(name: string): boolean {
    return this.services.has(name);
  }

  private topicEntry(topic: string, type: string) {
    let entry = this.topics.get(topic);
    if (!entry) {
      entry = { type, listeners: new Set(), retained: [] };
      this.topics.set(topic, entry);
    } else if (entry.type !== type) {
      throw new ClaudiaError('E_TRANSPORT', `topic ${topic} carries ${entry.type}; cannot use it as ${type}`);
    }
    return entry;
  }
}

export interface MemoryTransportOptions {
  graph?: MemoryGraph;
  namespace: string;
  clock: Clock;
  logger: Logger;
  remap?: ReadonlyMap<string, string>;
}

export function createMemoryTransport(opts: MemoryTransportOptions): RosTransport & { graph: MemoryGraph } {
  const graph = opts.graph ?? new MemoryGraph();
  const closers = new Set<() => void>();
  const resolve = (name: string) => resolveRosName(opts.namespace, name, opts.remap);
  const track = (close: () => void) => {
    closers.add(close);
    return () => {
      closers.delete(close);
      close();
    };
  };
  const transport: RosTransport & { graph: MemoryGraph } = {
    kind: 'memory',
    graph,
    clock: opts.clock,
    logger: opts.logger,
    namespace: opts.namespace,
    resolveName: resolve,
    createPublisher<T>(type: string, topic: string, qos?: Partial<QosProfile>): Publisher<T> {
      const full = resolve(topic);
      graph.declare(full, type);
      const retain = qos?.durability === 'transient_local' ? Math.max(1, qos.depth ?? 1) : 0;
      return { topic: full, type, publish: (msg: T) => graph.publish(full, type, msg, retain) };
    },
    createSubscription<T>(type: string, topic: string, onMessage: (msg: T) => void, qos?: Partial<QosProfile>): Subscription {
      const full = resolve(topic);
      const safe = (msg: unknown) => {
        try {
          onMessage(msg as T);
        } catch (err) {
          opts.logger.error('subscription callback threw', { topic: full, error: String(err) });
        }
      };
      const close = track(graph.subscribe(full, type, safe, qos?.durability === 'transient_local'));
      return { topic: full, close };
    },
    createService<Req, Res>(type: string, name: string, handler: (req: Req) => Promise<Res>): Service {
      const full = resolve(name);
      const close = track(graph.advertiseService(full, type, handler as (req: unknown) => Promise<unknown>));
      return { name: full, close };
    },
    createClient<Req, Res>(type: string, name: string): ServiceClient<Req, Res> {
      const full = resolve(name);
      return {
        name: full,
        async call(req: Req, o?: { timeoutMs?: number; signal?: AbortSignal }): Promise<Res> {
          const p = graph.call(full, type, req) as Promise<Res>;
          if (!o?.timeoutMs) return p;
          let handle: ReturnType<Clock['setTimeout']> | undefined;
          const timeout = new Promise<never>((_, reject) => {
            handle = opts.clock.setTimeout(() => reject(new ClaudiaError('E_TRANSPORT', `service ${full} did not answer within ${o.timeoutMs} ms`)), o.timeoutMs ?? 0);
          });
          try {
            return await Promise.race([p, timeout]);
          } finally {
            opts.clock.clearTimeout(handle);
          }
        },
      };
    },
    createActionServer<G, R, F>(type: string, name: string, execute: GoalExecutor<G, R, F>, o?: ActionServerOptions): ActionServer {
      const server = createActionServerOver<G, R, F>(transport, type, name, execute, o);
      const close = track(() => server.close());
      return { name: server.name, close };
    },
    async close() {
      for (const c of [...closers]) c();
      closers.clear();
    },
  };
  return transport;
}
