/** The message shapes the node exchanges, field names as in the .msg/.srv files. int64 -> bigint. */
export interface TimeMsg {
  sec: number;
  nanosec: number;
}

export interface StringMsg {
  data: string;
}

export interface RobotActionMsg {
  name: string;
  api_id: bigint;
  parameter: string;
  verdict: string;
}

export interface SpeechTextMsg {
  stamp: TimeMsg;
  utterance_id: string;
  text: string;
  language: string;
  confidence: number;
  is_final: boolean;
  source: string;
}

export interface LlmResponseMsg {
  stamp: TimeMsg;
  request_id: string;
  utterance_id: string;
  text: string;
  reply: string;
  language: string;
  actions: RobotActionMsg[];
  source: string;
  latency_ms: number;
  error: string;
}

export interface LlmQueryRequestMsg {
  text: string;
  language: string;
  prompt_type: string;
  session_id: string;
  priority: number;
  dry_run: boolean;
  timeout_s: number;
}

export interface LlmQueryResponseMsg {
  success: boolean;
  reply: string;
  language: string;
  actions: RobotActionMsg[];
  source: string;
  latency_ms: number;
  error: string;
}

export interface UnitreeRequestMsg {
  header: {
    identity: { id: bigint; api_id: bigint };
    lease: { id: bigint };
    policy: { priority: number; noreply: boolean };
  };
  parameter: string;
  binary: number[] | Uint8Array;
}

export interface UnitreeResponseMsg {
  header: { identity: { id: bigint; api_id: bigint }; status: { code: number } };
  data: string;
  binary: number[] | Int8Array;
}

export interface KeyValueMsg {
  key: string;
  value: string;
}

export interface DiagnosticStatusMsg {
  level: number;
  name: string;
  message: string;
  hardware_id: string;
  values: KeyValueMsg[];
}

export interface DiagnosticArrayMsg {
  header: { stamp: TimeMsg; frame_id: string };
  status: DiagnosticStatusMsg[];
}

/** claudia_llm/action/Command goal, result and feedback. */
export interface CommandGoalMsg {
  text: string;
  language: string;
  prompt_type: string;
  session_id: string;
  utterance_id: string;
  confidence: number;
  priority: number;
  dry_run: boolean;
  timeout_s: number;
}

/** The LlmQuery response's fields plus first_effect_ms. */
export interface CommandResultMsg extends LlmQueryResponseMsg {
  first_effect_ms: number;
}

export interface CommandFeedbackMsg {
  stage: string;
  reply: string;
  actions: RobotActionMsg[];
}

/** unique_identifier_msgs/UUID and action_msgs types of the action protocol. */
export interface UuidMsg {
  uuid: Uint8Array | number[];
}

export interface GoalInfoMsg {
  goal_id: UuidMsg;
  stamp: TimeMsg;
}

export interface GoalStatusMsg {
  goal_info: GoalInfoMsg;
  status: number;
}

export interface GoalStatusArrayMsg {
  status_list: GoalStatusMsg[];
}

export interface CancelGoalRequestMsg {
  goal_info: GoalInfoMsg;
}

export interface CancelGoalResponseMsg {
  return_code: number;
  goals_canceling: GoalInfoMsg[];
}

export const MSG = {
  String: 'std_msgs/msg/String',
  SpeechText: 'claudia_llm/msg/SpeechText',
  LlmResponse: 'claudia_llm/msg/LlmResponse',
  RobotAction: 'claudia_llm/msg/RobotAction',
  LlmQuery: 'claudia_llm/srv/LlmQuery',
  Request: 'unitree_api/msg/Request',
  Response: 'unitree_api/msg/Response',
  SportModeState: 'unitree_go/msg/SportModeState',
  BatteryState: 'sensor_msgs/msg/BatteryState',
  DiagnosticArray: 'diagnostic_msgs/msg/DiagnosticArray',
  Command: 'claudia_llm/action/Command',
} as const;

export function timeFromNs(ns: bigint): TimeMsg {
  return { sec: Number(ns / 1_000_000_000n), nanosec: Number(ns % 1_000_000_000n) };
}
