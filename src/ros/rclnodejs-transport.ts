import * as path from 'node:path';
import { loadMessageRegistry, type MessageRegistry } from '../cdr';
import type { Config } from '../config/types';
import type { Clock } from '../util/clock';
import { AbortedError, ClaudiaError } from '../util/errors';
import { jsonReplacer, type LogFields, type Logger } from '../util/logger';
import { DEFAULT_RESULT_TIMEOUT_S } from './action-server';
import { RCL_ACTION, RCL_QOS, rclTypeClass, type RclLogging, type RclNode, type RclOptions, type RclServerGoalHandle, type RclnodejsApi } from './rclnodejs-api';
import { fromRclMessage, toRclMessage } from './rclnodejs-messages';
import { declareConfigParameters } from './rclnodejs-params';
import { DEFAULT_QOS, resolveRosName, type ActionServer, type ActionServerOptions, type GoalExecutor, type Publisher, type QosProfile, type RosTransport, type ServiceClient } from './types';

export interface RclnodejsTransportOptions {
  namespace: string;
  nodeName: string;
  clock: Clock;
  logger: Logger;
  config: Readonly<Config>;
  remap?: ReadonlyMap<string, string>;
  /** `--ros-args ...` for rcl (remaps, params files, log levels); default: process.argv. */
  rosArgs?: string[];
  registry?: MessageRegistry;
  /** Injected for tests; default: require('rclnodejs') at call time. */
  rclnodejs?: RclnodejsApi;
}

/** ROS logging through rcl (console + /rosout), with the fields appended as JSON. */
export function createRclLogger(log: RclLogging): Logger {
  const line = (msg: string, fields?: LogFields) => (fields && Object.keys(fields).length ? `${msg} ${JSON.stringify(fields, jsonReplacer)}` : msg);
  return {
    debug: (m, f) => void log.debug(line(m, f)),
    info: (m, f) => void log.info(line(m, f)),
    warn: (m, f) => void log.warn(line(m, f)),
    error: (m, f) => void log.error(line(m, f)),
  };
}

/** The package folder (src/ros or dist/ros is two levels below): where rclnodejs must be installed. */
const PACKAGE_DIR = path.resolve(__dirname, '..', '..');

function loadRclnodejs(): RclnodejsApi {
  let file: string;
  try {
    file = require.resolve('rclnodejs');
  } catch (err) {
    throw new ClaudiaError(
      'E_TRANSPORT',
      `the rclnodejs transport is unavailable: rclnodejs is not installed in ${PACKAGE_DIR} (${(err as Error).message.split('\n')[0]}). ` +
        `With ROS 2 and the unitree_ros2 and claudia_ws workspaces sourced, run: cd ${PACKAGE_DIR} && npm install --no-save rclnodejs@0.22.2 && npx generate-ros-messages ` +
        `(no colcon build needed afterwards; see docs/ros.md). Without ROS use --transport dds or memory`,
      { cause: err },
    );
  }
  if (Object.keys(require.cache).some((k) => k.endsWith('claudia_dds.node'))) {
    throw new ClaudiaError('E_TRANSPORT', 'rclnodejs cannot be loaded in a process that has loaded the dds addon; use one transport per process');
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as RclnodejsApi;
  } catch (err) {
    throw new ClaudiaError(
      'E_TRANSPORT',
      `the rclnodejs transport is unavailable: loading rclnodejs failed (${(err as Error).message}); is ROS 2 sourced (source /opt/ros/foxy/setup.bash) and were its messages generated (npx generate-ros-messages)? See docs/ros.md`,
      { cause: err },
    );
  }
}

function rclQos(rcl: RclnodejsApi, qos?: Partial<QosProfile>): RclOptions {
  const q = { ...DEFAULT_QOS, ...qos };
  return {
    qos: new rcl.QoS(
      q.depth > 0 ? RCL_QOS.KEEP_LAST : RCL_QOS.KEEP_ALL,
      q.depth,
      q.reliability === 'reliable' ? RCL_QOS.RELIABLE : RCL_QOS.BEST_EFFORT,
      q.durability === 'transient_local' ? RCL_QOS.TRANSIENT_LOCAL : RCL_QOS.VOLATILE,
    ),
  };
}

/**
 * The node on a real ROS 2 (Foxy on the Go2's Jetson) through rclnodejs, loaded only here.
 * Names are handed to rcl unresolved, so ROS applies the namespace and `--ros-args -r`
 * remaps itself; parameters are declared from the config; logs go to /rosout.
 * Not run on the build machines (no ROS there): see docs/ros.md.
 */
export async function createRclnodejsTransport(opts: RclnodejsTransportOptions): Promise<RosTransport> {
  const rcl = opts.rclnodejs ?? loadRclnodejs();
  const reg = opts.registry ?? loadMessageRegistry();
  const argv = opts.rosArgs ? [process.argv[0] ?? 'node', process.argv[1] ?? 'claudia-llm', ...opts.rosArgs] : process.argv;
  await rcl.init(undefined, argv);
  // The app owns SIGINT/SIGTERM (it must publish StopMove before rcl shuts down).
  rcl.removeSignalHandlers?.();
  const node: RclNode = rcl.createNode(opts.nodeName, opts.namespace);
  const logger = createRclLogger(node.getLogger());
  const params = declareConfigParameters(rcl, node, opts.config);
  if (params.failed.length) logger.warn('some config keys could not be declared as ROS parameters', { failed: params.failed });
  if (params.differing.length) logger.warn('ROS parameter overrides that the running config does not hold; pass them on the claudia-llm command line', { names: params.differing });
  node.spin();
  let closed = false;
  const inflight = new Set<() => void>();

  const transport: RosTransport = {
    kind: 'rclnodejs',
    clock: opts.clock,
    logger,
    namespace: opts.namespace,
    resolveName: (name) => resolveRosName(opts.namespace, name, opts.remap),
    createPublisher<T>(type: string, topic: string, qos?: Partial<QosProfile>): Publisher<T> {
      const pub = node.createPublisher(rclTypeClass(type), topic, rclQos(rcl, qos));
      return {
        topic: transport.resolveName(topic),
        type,
        publish: (msg: T) => {
          if (closed) throw new ClaudiaError('E_TRANSPORT', `publish on ${topic} after the rclnodejs transport was closed`);
          pub.publish(toRclMessage(reg, type, msg) as object);
        },
      };
    },
    createSubscription<T>(type: string, topic: string, onMessage: (msg: T) => void, qos?: Partial<QosProfile>) {
      let active = true;
      const sub = node.createSubscription(rclTypeClass(type), topic, rclQos(rcl, qos), (raw) => {
        if (!active || closed) return;
        try {
          onMessage(fromRclMessage(reg, type, raw) as T);
        } catch (err) {
          logger.error('subscription callback threw', { topic, error: String(err) });
        }
      });
      return {
        topic: transport.resolveName(topic),
        close: () => {
          if (!active) return;
          active = false;
          if (!closed) node.destroySubscription(sub);
        },
      };
    },
    createService<Req, Res>(type: string, name: string, handler: (req: Req) => Promise<Res>) {
      const svc = reg.service(type);
      let active = true;
      const service = node.createService(rclTypeClass(type), name, rclQos(rcl), (request, response) => {
        if (!active || closed) return;
        // Answer after the async pipeline completes; a failing handler sends nothing (as rclcpp).
        handler(fromRclMessage(reg, svc.request, request) as Req).then(
          (res) => {
            if (!closed) response.send(toRclMessage(reg, svc.response, res) as object);
          },
          (err: unknown) => logger.error('service handler failed; no reply sent', { service: name, error: String(err) }),
        );
      });
      return {
        name: transport.resolveName(name),
        close: () => {
          if (!active) return;
          active = false;
          if (!closed) node.destroyService(service);
        },
      };
    },
    createClient<Req, Res>(type: string, name: string): ServiceClient<Req, Res> {
      const svc = reg.service(type);
      const client = node.createClient(rclTypeClass(type), name);
      return {
        name: transport.resolveName(name),
        async call(req: Req, o?: { timeoutMs?: number; signal?: AbortSignal }): Promise<Res> {
          if (!(await client.waitForService(o?.timeoutMs ?? 10_000))) throw new ClaudiaError('E_TRANSPORT', `service ${name} is not available`);
          return new Promise<Res>((resolve, reject) => {
            let timer: ReturnType<Clock['setTimeout']> | undefined;
            const finish = (fn: () => void) => {
              inflight.delete(abort);
              opts.clock.clearTimeout(timer);
              o?.signal?.removeEventListener('abort', abort);
              fn();
            };
            const abort = () => finish(() => reject(new AbortedError(`call to ${name} aborted`)));
            inflight.add(abort);
            o?.signal?.addEventListener('abort', abort, { once: true });
            if (o?.timeoutMs !== undefined) timer = opts.clock.setTimeout(() => finish(() => reject(new ClaudiaError('E_TRANSPORT', `service ${name} did not answer within ${o.timeoutMs} ms`))), o.timeoutMs);
            client.sendRequest(toRclMessage(reg, svc.request, req) as object, (res) => finish(() => resolve(fromRclMessage(reg, svc.response, res) as Res)));
          });
        },
      };
    },
    createActionServer<G, R, F>(type: string, name: string, execute: GoalExecutor<G, R, F>, o?: ActionServerOptions): ActionServer {
      const act = reg.action(type);
      const cancels = new Map<RclServerGoalHandle, AbortController>();
      // rcl_action runs the protocol (services, status, result retention); every goal and every cancel request is accepted.
      const server = new rcl.ActionServer(
        node as never,
        rclTypeClass(type),
        name,
        async (h) => {
          const ctl = new AbortController();
          cancels.set(h, ctl);
          try {
            const raw = (h.request as { toPlainObject?: () => object }).toPlainObject?.() ?? h.request;
            const end = await execute({
              goalId: Uint8Array.from(h.goalId.uuid),
              goal: fromRclMessage(reg, act.goal, raw) as G,
              cancelSignal: ctl.signal,
              publishFeedback: (f: F) => {
                if (!closed) h.publishFeedback(toRclMessage(reg, act.feedback, f) as object);
              },
            });
            // CANCELED is only reachable from CANCELING in rcl_action's state machine.
            if (end.status === 'succeeded') h.succeed();
            else if (end.status === 'canceled' && h.isCancelRequested) h.canceled();
            else h.abort();
            return toRclMessage(reg, act.result, end.result) as object;
          } finally {
            cancels.delete(h);
          }
        },
        () => RCL_ACTION.GOAL_ACCEPT,
        undefined,
        (h) => {
          if (h) cancels.get(h)?.abort();
          return RCL_ACTION.CANCEL_ACCEPT;
        },
        { resultTimeout: o?.resultTimeoutS ?? DEFAULT_RESULT_TIMEOUT_S },
      );
      let active = true;
      return {
        name: transport.resolveName(name),
        close: () => {
          if (!active) return;
          active = false;
          for (const ctl of cancels.values()) ctl.abort();
          if (!closed) server.destroy();
        },
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const abort of [...inflight]) abort();
      try {
        node.destroy();
      } finally {
        if (!rcl.isShutdown()) rcl.shutdown();
      }
    },
  };
  return transport;
}
