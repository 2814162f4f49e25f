// Compile-time check (npm run typecheck:rclnodejs): rclnodejs 0.22.2's published typings
// satisfy the structural API the rclnodejs transport is written against, so a rename or
// signature change upstream fails CI instead of failing on the robot.
import * as rclnodejs from 'rclnodejs';
import type { RclLogging, RclNode, RclnodejsApi, RclParameter, RclPublisher, RclQoS, RclServerGoalHandle } from '../../src/ros/rclnodejs-api';
import { PARAM_TYPE, RCL_ACTION, RCL_QOS } from '../../src/ros/rclnodejs-api';

export const api: RclnodejsApi = rclnodejs;

export function checkNode(node: rclnodejs.Node): RclNode {
  return node;
}

export function checkPieces(node: rclnodejs.Node, p: rclnodejs.Parameter, q: rclnodejs.QoS): [RclLogging, RclParameter, RclQoS, RclPublisher] {
  const pub = node.createPublisher({ package: 'claudia_llm', type: 'msg', name: 'LlmResponse' }, 'response');
  return [node.getLogger(), p, q, pub];
}

// Our numeric constants are rcl's.
export const consts: [number, number, number, number, number] = [
  PARAM_TYPE.BOOL === rclnodejs.ParameterType.PARAMETER_BOOL ? 1 : 0,
  PARAM_TYPE.INTEGER === rclnodejs.ParameterType.PARAMETER_INTEGER ? 1 : 0,
  PARAM_TYPE.STRING_ARRAY === rclnodejs.ParameterType.PARAMETER_STRING_ARRAY ? 1 : 0,
  RCL_QOS.RELIABLE === rclnodejs.QoS.ReliabilityPolicy.RMW_QOS_POLICY_RELIABILITY_RELIABLE ? 1 : 0,
  RCL_QOS.KEEP_LAST === rclnodejs.QoS.HistoryPolicy.RMW_QOS_POLICY_HISTORY_KEEP_LAST ? 1 : 0,
];

// The action server's accept values are rclnodejs's enums.
export const actionConsts: [number, number] = [
  RCL_ACTION.GOAL_ACCEPT === rclnodejs.GoalResponse.ACCEPT ? 1 : 0,
  RCL_ACTION.CANCEL_ACCEPT === rclnodejs.CancelResponse.ACCEPT ? 1 : 0,
];

// The goal handle rclnodejs hands the execute callback is what the transport reads.
export function checkGoalHandle(h: rclnodejs.ServerGoalHandle<{ package: string; type: string; name: string }>): RclServerGoalHandle {
  return h;
}
