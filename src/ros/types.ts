import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';
import type { TransportKind } from '../config/types';

/** ROS 2 QoS as the node uses it (default: reliable, volatile, keep-last 10). */
export interface QosProfile {
  reliability: 'reliable' | 'best_effort';
  durability: 'volatile' | 'transient_local';
  depth: number;
}

export const DEFAULT_QOS: Readonly<QosProfile> = Object.freeze({ reliability: 'reliable', durability: 'volatile', depth: 10 });

export interface Publisher<T> {
  readonly topic: string;
  readonly type: string;
  publish(msg: T): void;
}

export interface Subscription {
  readonly topic: string;
  close(): void;
}

export interface Service {
  readonly name: string;
  close(): void;
}

export interface ServiceClient<Req, Res> {
  readonly name: string;
  call(req: Req, opts?: { timeoutMs?: number; signal?: AbortSignal }): Promise<Res>;
}

/** How a goal ended (action_msgs GoalStatus SUCCEEDED, CANCELED, ABORTED). */
export type GoalEnd = 'succeeded' | 'canceled' | 'aborted';

/** One accepted goal, as the executing code sees it. */
export interface GoalHandle<Goal, Feedback> {
  /** The 16-byte goal id the client chose. */
  readonly goalId: Uint8Array;
  readonly goal: Goal;
  /** Aborted once a client's cancel request for this goal has been accepted (status CANCELING). */
  readonly cancelSignal: AbortSignal;
  publishFeedback(feedback: Feedback): void;
}

/** Runs an accepted goal to its end; a rejection ends it ABORTED with an empty result. */
export type GoalExecutor<Goal, Result, Feedback> = (goal: GoalHandle<Goal, Feedback>) => Promise<{ status: GoalEnd; result: Result }>;

export interface ActionServerOptions {
  /** How long a finished goal's result is kept for get_result (rclpy and rclcpp: 900 s). */
  resultTimeoutS?: number;
}

export interface ActionServer {
  readonly name: string;
  close(): void;
}

/**
 * The one interface the node talks to ROS through. Message objects use the field names of
 * the .msg files; int64/uint64 fields are BigInt. Type names are `pkg/msg/Name` or
 * `pkg/srv/Name`. Relative names resolve against the node's namespace.
 */
export interface RosTransport {
  readonly kind: TransportKind;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly namespace: string;
  resolveName(name: string): string;
  createPublisher<T>(type: string, topic: string, qos?: Partial<QosProfile>): Publisher<T>;
  createSubscription<T>(type: string, topic: string, onMessage: (msg: T) => void, qos?: Partial<QosProfile>): Subscription;
  createService<Req, Res>(type: string, name: string, handler: (req: Req) => Promise<Res>): Service;
  createClient<Req, Res>(type: string, name: string): ServiceClient<Req, Res>;
  /** An action server (`pkg/action/Name`): every goal is accepted and run by `execute`; cancel requests are accepted. */
  createActionServer<Goal, Result, Feedback>(type: string, name: string, execute: GoalExecutor<Goal, Result, Feedback>, opts?: ActionServerOptions): ActionServer;
  close(): Promise<void>;
}

/** ROS 2 name resolution for the node's own names: relative -> /namespace/name. */
export function resolveRosName(namespace: string, name: string, remap?: ReadonlyMap<string, string>): string {
  const mapped = remap?.get(name) ?? name;
  if (mapped.startsWith('/')) return mapped;
  const ns = namespace === '/' ? '' : namespace.replace(/\/$/, '');
  const full = `${ns}/${mapped}`;
  return remap?.get(full) ?? full;
}
