import type { Clock, TimerHandle } from '../util/clock';
import type { Logger } from '../util/logger';
import { ACTION_MSGS, actionNames, CANCEL_RETURN, GOAL_STATUS, type GoalStatusCode } from './action-names';
import { timeFromNs, type CancelGoalRequestMsg, type CancelGoalResponseMsg, type GoalInfoMsg, type GoalStatusArrayMsg, type TimeMsg, type UuidMsg } from './messages';
import type { ActionServer, ActionServerOptions, GoalEnd, GoalExecutor, Publisher, QosProfile, Service } from './types';

/** The part of a transport an action server is built from (its three services and two topics). */
export interface ActionPrimitives {
  clock: Clock;
  logger: Logger;
  resolveName(name: string): string;
  createPublisher<T>(type: string, topic: string, qos?: Partial<QosProfile>): Publisher<T>;
  createService<Req, Res>(type: string, name: string, handler: (req: Req) => Promise<Res>): Service;
}

/** rcl_action's status topic QoS: reliable, transient local, keep last 1 (a late client still gets the latest array). */
export const STATUS_QOS: Partial<QosProfile> = { reliability: 'reliable', durability: 'transient_local', depth: 1 };
export const DEFAULT_RESULT_TIMEOUT_S = 900;

interface Goal<Result> {
  info: GoalInfoMsg;
  status: GoalStatusCode;
  cancel: AbortController;
  response?: { status: number; result: Result };
  waiters: Array<(r: { status: number; result: Result }) => void>;
  expiry?: TimerHandle;
}

const END_STATUS: Record<GoalEnd, GoalStatusCode> = { succeeded: GOAL_STATUS.SUCCEEDED, canceled: GOAL_STATUS.CANCELED, aborted: GOAL_STATUS.ABORTED };

export const uuidKey = (id: UuidMsg['uuid']): string => Buffer.from(Uint8Array.from(id)).toString('hex');
const isZero = (id: UuidMsg['uuid']): boolean => Array.from(id).every((b) => b === 0);
const timeNs = (t: TimeMsg): bigint => BigInt(t.sec) * 1_000_000_000n + BigInt(t.nanosec);

/**
 * An action server as rcl_action runs one, from plain services and topics: send_goal,
 * get_result and cancel_goal services, the feedback topic and a transient-local status
 * topic holding the whole array of goals the server keeps. Goals are accepted and start
 * executing right after the send_goal reply (so the first status is EXECUTING, as with
 * rclpy's default accept callback); cancel requests for executing goals are accepted
 * (CANCELING, then the goal's end); results are kept `resultTimeoutS` (900 s, as rclpy and
 * rclcpp) after the end, then the goal leaves the status array. The dds and memory
 * transports use it; rclnodejs has its own (rcl_action).
 */
export function createActionServerOver<G, R, F>(
  t: ActionPrimitives,
  type: string,
  name: string,
  execute: GoalExecutor<G, R, F>,
  opts: ActionServerOptions = {},
): ActionServer {
  // get_result for an unknown or failed goal: the codec writes every missing field as its default.
  const emptyResult = () => ({}) as R;
  const full = t.resolveName(name);
  const n = actionNames(full);
  const keepMs = (opts.resultTimeoutS ?? DEFAULT_RESULT_TIMEOUT_S) * 1000;
  const goals = new Map<string, Goal<R>>();
  let closed = false;
  const feedbackPub = t.createPublisher<{ goal_id: UuidMsg; feedback: F }>(`${type}_FeedbackMessage`, n.feedback);
  const statusPub = t.createPublisher<GoalStatusArrayMsg>(ACTION_MSGS.GoalStatusArray, n.status, STATUS_QOS);

  const publishStatus = () => {
    if (closed) return;
    try {
      statusPub.publish({ status_list: [...goals.values()].map((g) => ({ goal_info: g.info, status: g.status })) });
    } catch (err) {
      t.logger.warn('publishing the action status failed', { action: full, error: (err as Error).message });
    }
  };

  const finish = (key: string, goal: Goal<R>, status: GoalStatusCode, result: R) => {
    if (goal.response) return;
    goal.status = status;
    goal.response = { status, result };
    publishStatus();
    for (const w of goal.waiters.splice(0)) w(goal.response);
    goal.expiry = t.clock.setTimeout(() => {
      goals.delete(key);
      publishStatus();
    }, keepMs);
  };

  const run = (key: string, goal: Goal<R>, msg: G) => {
    if (closed) return;
    // A cancel that came before the start keeps the goal CANCELING; its executor sees the signal.
    if (goal.status === GOAL_STATUS.ACCEPTED) goal.status = GOAL_STATUS.EXECUTING;
    publishStatus();
    const handle = {
      goalId: Uint8Array.from(goal.info.goal_id.uuid),
      goal: msg,
      cancelSignal: goal.cancel.signal,
      publishFeedback: (feedback: F) => {
        if (closed || goal.response) return;
        try {
          feedbackPub.publish({ goal_id: goal.info.goal_id, feedback });
        } catch (err) {
          t.logger.warn('publishing action feedback failed', { action: full, error: (err as Error).message });
        }
      },
    };
    let running: Promise<{ status: GoalEnd; result: R }>;
    try {
      running = execute(handle);
    } catch (err) {
      running = Promise.reject(err);
    }
    running.then(
      (end) => finish(key, goal, END_STATUS[end.status] ?? GOAL_STATUS.ABORTED, end.result),
      (err: unknown) => {
        t.logger.error('action goal failed; ending it ABORTED', { action: full, error: String(err) });
        finish(key, goal, GOAL_STATUS.ABORTED, emptyResult());
      },
    );
  };

  const services: Service[] = [
    t.createService<{ goal_id: UuidMsg; goal: G }, { accepted: boolean; stamp: TimeMsg }>(`${type}_SendGoal`, n.sendGoal, async (req) => {
      const key = uuidKey(req.goal_id.uuid);
      const stamp = timeFromNs(t.clock.wallNs());
      // A goal id already in use is refused, as rcl_action does.
      if (closed || goals.has(key) || req.goal_id.uuid.length !== 16) return { accepted: false, stamp: { sec: 0, nanosec: 0 } };
      const goal: Goal<R> = { info: { goal_id: { uuid: Uint8Array.from(req.goal_id.uuid) }, stamp }, status: GOAL_STATUS.ACCEPTED, cancel: new AbortController(), waiters: [] };
      goals.set(key, goal);
      // Execution starts once the reply is out, so the client knows the goal before its feedback.
      setImmediate(() => run(key, goal, req.goal));
      return { accepted: true, stamp };
    }),
    t.createService<{ goal_id: UuidMsg }, { status: number; result: R }>(`${type}_GetResult`, n.getResult, (req) => {
      const goal = goals.get(uuidKey(req.goal_id.uuid));
      if (!goal) return Promise.resolve({ status: GOAL_STATUS.UNKNOWN, result: emptyResult() });
      if (goal.response) return Promise.resolve(goal.response);
      return new Promise((resolve) => goal.waiters.push(resolve));
    }),
    t.createService<CancelGoalRequestMsg, CancelGoalResponseMsg>(ACTION_MSGS.CancelGoal, n.cancelGoal, async (req) => {
      const id = req.goal_info.goal_id.uuid;
      const before = timeNs(req.goal_info.stamp);
      const wanted = [...goals.entries()].filter(([key, g]) => {
        // rcl_action's policy: an id selects that goal; a stamp selects every goal accepted at or before it; neither selects all.
        if (!isZero(id) && key === uuidKey(id)) return true;
        if (before > 0n) return timeNs(g.info.stamp) <= before;
        return isZero(id);
      });
      const canceling = wanted.filter(([, g]) => g.status === GOAL_STATUS.ACCEPTED || g.status === GOAL_STATUS.EXECUTING);
      if (canceling.length === 0) {
        const known = !isZero(id) ? goals.get(uuidKey(id)) : undefined;
        const code = isZero(id) && before === 0n ? CANCEL_RETURN.ERROR_NONE : !isZero(id) && !known ? CANCEL_RETURN.ERROR_UNKNOWN_GOAL_ID : known?.response ? CANCEL_RETURN.ERROR_GOAL_TERMINATED : CANCEL_RETURN.ERROR_REJECTED;
        return { return_code: code, goals_canceling: [] };
      }
      for (const [, g] of canceling) g.status = GOAL_STATUS.CANCELING;
      // CANCELING is on the status topic before the cancel reply (as rclpy does it).
      publishStatus();
      for (const [, g] of canceling) g.cancel.abort();
      return { return_code: CANCEL_RETURN.ERROR_NONE, goals_canceling: canceling.map(([, g]) => g.info) };
    }),
  ];
  publishStatus();

  return {
    name: full,
    close() {
      if (closed) return;
      for (const g of goals.values()) {
        t.clock.clearTimeout(g.expiry);
        g.cancel.abort();
      }
      closed = true;
      for (const s of services) s.close();
    },
  };
}
