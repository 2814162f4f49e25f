import { MSG, type UnitreeRequestMsg, type UnitreeResponseMsg } from '../ros/messages';
import type { RosTransport } from '../ros/types';
import type { Clock } from '../util/clock';

/**
 * A stand-in for the Go2's sport service during a replay, where no robot is attached: it answers
 * every Request that asks for a reply (Move is sent with noreply) with status code 0 after
 * `latencyMs` on the replay's clock. It acknowledges, nothing more: no posture, no motion, no
 * failure codes. Without it every command would time out and later actions would be dropped as
 * `previous_failed`, which tests the absence of a robot rather than the conversation.
 */
export function attachRobotStandIn(deps: { peer: RosTransport; clock: Clock; requestTopic: string; responseTopic: string; latencyMs: number }): { close(): void } {
  const pub = deps.peer.createPublisher<UnitreeResponseMsg>(MSG.Response, deps.responseTopic);
  const timers = new Set<ReturnType<Clock['setTimeout']>>();
  const sub = deps.peer.createSubscription<UnitreeRequestMsg>(MSG.Request, deps.requestTopic, (req) => {
    if (req.header.policy.noreply) return;
    const answer: UnitreeResponseMsg = { header: { identity: { ...req.header.identity }, status: { code: 0 } }, data: '', binary: [] };
    const t = deps.clock.setTimeout(() => {
      timers.delete(t);
      pub.publish(answer);
    }, deps.latencyMs);
    timers.add(t);
  });
  return {
    close() {
      sub.close();
      for (const t of timers) deps.clock.clearTimeout(t);
      timers.clear();
    },
  };
}
