/**
 * The ROS names an action is made of (rcl_action): three services and two topics under
 * `<action>/_action/`. On DDS they become `rq/<name>/_action/send_goalRequest`, ...,
 * `rt/<name>/_action/feedback` and `rt/<name>/_action/status`.
 */
export interface ActionNames {
  sendGoal: string;
  getResult: string;
  cancelGoal: string;
  feedback: string;
  status: string;
}

export function actionNames(resolvedAction: string): ActionNames {
  const base = `${resolvedAction.replace(/\/$/, '')}/_action`;
  return {
    sendGoal: `${base}/send_goal`,
    getResult: `${base}/get_result`,
    cancelGoal: `${base}/cancel_goal`,
    feedback: `${base}/feedback`,
    status: `${base}/status`,
  };
}

/** action_msgs types every action uses for cancel and status. */
export const ACTION_MSGS = {
  CancelGoal: 'action_msgs/srv/CancelGoal',
  GoalStatusArray: 'action_msgs/msg/GoalStatusArray',
} as const;

/** action_msgs/msg/GoalStatus values. */
export const GOAL_STATUS = { UNKNOWN: 0, ACCEPTED: 1, EXECUTING: 2, CANCELING: 3, SUCCEEDED: 4, CANCELED: 5, ABORTED: 6 } as const;
export type GoalStatusCode = (typeof GOAL_STATUS)[keyof typeof GOAL_STATUS];

/** action_msgs/srv/CancelGoal return codes. */
export const CANCEL_RETURN = { ERROR_NONE: 0, ERROR_REJECTED: 1, ERROR_UNKNOWN_GOAL_ID: 2, ERROR_GOAL_TERMINATED: 3 } as const;
