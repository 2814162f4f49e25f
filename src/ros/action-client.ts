import { randomBytes } from 'node:crypto';
import { ClaudiaError } from '../util/errors';
import { ACTION_MSGS, actionNames } from './action-names';
import { STATUS_QOS, uuidKey } from './action-server';
import type { CancelGoalRequestMsg, CancelGoalResponseMsg, GoalStatusArrayMsg, TimeMsg, UuidMsg } from './messages';
import type { RosTransport } from './types';

export interface GoalOutcome<R> {
  /** action_msgs GoalStatus (4 SUCCEEDED, 5 CANCELED, 6 ABORTED; 0 UNKNOWN for a goal the server does not know). */
  status: number;
  result: R;
}

export interface ClientGoal<R> {
  goalId: Uint8Array;
  accepted: boolean;
  /** The server's accept stamp. */
  stamp: TimeMsg;
  /** get_result, asked for right after acceptance (as `ros2 action send_goal` does). */
  result: Promise<GoalOutcome<R>>;
  /** cancel_goal for this goal only (its id, stamp 0). */
  cancel(): Promise<CancelGoalResponseMsg>;
}

export interface ActionClient<G, R, F> {
  sendGoal(goal: G, opts?: { onFeedback?: (feedback: F) => void; goalId?: Uint8Array; timeoutMs?: number }): Promise<ClientGoal<R>>;
  onStatus(listener: (status: GoalStatusArrayMsg) => void): () => void;
  close(): void;
}

/** A version-4 UUID as the 16 bytes unique_identifier_msgs/UUID carries (what rclpy's uuid4 gives). */
export function newGoalId(): Uint8Array {
  const b = randomBytes(16);
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  return Uint8Array.from(b);
}

/**
 * An action client over any transport's services and topics, as rcl_action's: feedback
 * and status subscriptions first, then send_goal, then get_result at once. For tests, the
 * benchmark and tools; the node itself only serves the action.
 */
export function createActionClient<G, R, F>(t: RosTransport, type: string, name: string): ActionClient<G, R, F> {
  const n = actionNames(t.resolveName(name));
  const sendGoal = t.createClient<{ goal_id: UuidMsg; goal: G }, { accepted: boolean; stamp: TimeMsg }>(`${type}_SendGoal`, n.sendGoal);
  const getResult = t.createClient<{ goal_id: UuidMsg }, GoalOutcome<R>>(`${type}_GetResult`, n.getResult);
  const cancelGoal = t.createClient<CancelGoalRequestMsg, CancelGoalResponseMsg>(ACTION_MSGS.CancelGoal, n.cancelGoal);
  const feedbackFor = new Map<string, (f: F) => void>();
  const statusListeners = new Set<(s: GoalStatusArrayMsg) => void>();
  const subs = [
    t.createSubscription<{ goal_id: UuidMsg; feedback: F }>(`${type}_FeedbackMessage`, n.feedback, (m) => feedbackFor.get(uuidKey(m.goal_id.uuid))?.(m.feedback)),
    t.createSubscription<GoalStatusArrayMsg>(ACTION_MSGS.GoalStatusArray, n.status, (m) => {
      for (const l of statusListeners) l(m);
    }, STATUS_QOS),
  ];
  return {
    async sendGoal(goal, opts = {}) {
      const goalId = opts.goalId ?? newGoalId();
      if (goalId.length !== 16) throw new ClaudiaError('E_BAD_INPUT', `a goal id has 16 bytes, got ${goalId.length}`);
      const key = uuidKey(goalId);
      if (opts.onFeedback) feedbackFor.set(key, opts.onFeedback);
      const reply = await sendGoal.call({ goal_id: { uuid: goalId }, goal }, { timeoutMs: opts.timeoutMs });
      if (!reply.accepted) {
        feedbackFor.delete(key);
        return { goalId, accepted: false, stamp: reply.stamp, result: Promise.resolve({ status: 0, result: {} as R }), cancel: async () => ({ return_code: 2, goals_canceling: [] }) };
      }
      const result = getResult.call({ goal_id: { uuid: goalId } }).finally(() => feedbackFor.delete(key));
      return {
        goalId,
        accepted: true,
        stamp: reply.stamp,
        result,
        cancel: () => cancelGoal.call({ goal_info: { goal_id: { uuid: goalId }, stamp: { sec: 0, nanosec: 0 } } }, { timeoutMs: opts.timeoutMs }),
      };
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    close() {
      for (const s of subs) s.close();
      feedbackFor.clear();
      statusListeners.clear();
    },
  };
}
