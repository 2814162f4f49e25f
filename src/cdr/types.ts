/** Primitive field types of ROS 2 .msg files (wstring is not supported by this codec). */
export type PrimitiveType =
  | 'bool'
  | 'byte'
  | 'char'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float32'
  | 'float64'
  | 'string';

export const PRIMITIVE_TYPES: ReadonlySet<string> = new Set<PrimitiveType>([
  'bool', 'byte', 'char', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64', 'string',
]);

/** One field of a message: a primitive or a nested message (full name `pkg/msg/Name`). */
export interface FieldDefinition {
  name: string;
  /** A primitive type name, or the full name of a nested message type. */
  type: string;
  isPrimitive: boolean;
  /** `string<=N`: maximum length in bytes (UTF-8). */
  stringBound?: number;
  /** none: scalar; fixed: `T[N]`; sequence: `T[]` or `T[<=N]`. */
  array: 'none' | 'fixed' | 'sequence';
  /** N for fixed arrays and bounded sequences. */
  arrayLength?: number;
}

export interface ConstantDefinition {
  name: string;
  type: string;
  value: string | number | bigint | boolean;
}

export interface MessageDefinition {
  /** Full name: `pkg/msg/Name`, or `pkg/srv/Name_Request` / `pkg/srv/Name_Response`. */
  name: string;
  fields: FieldDefinition[];
  constants: ConstantDefinition[];
}

export interface ServiceDefinition {
  /** `pkg/srv/Name` */
  name: string;
  request: string;
  response: string;
}

/**
 * An action (`pkg/action/Name`) as rosidl generates it: the goal, result and feedback
 * messages, the send_goal and get_result services and the feedback topic's message. The
 * cancel service and the status topic use action_msgs types.
 */
export interface ActionDefinition {
  /** `pkg/action/Name` */
  name: string;
  goal: string;
  result: string;
  feedback: string;
  /** Service `pkg/action/Name_SendGoal`: request {goal_id, goal}, response {accepted, stamp}. */
  sendGoal: string;
  /** Service `pkg/action/Name_GetResult`: request {goal_id}, response {status, result}. */
  getResult: string;
  /** `pkg/action/Name_FeedbackMessage`: {goal_id, feedback}. */
  feedbackMessage: string;
}

/** Every message and service type the codec knows, by full name. */
export interface MessageRegistry {
  has(type: string): boolean;
  /** The definition; throws ClaudiaError('E_CODEC') naming the type when unknown. */
  get(type: string): MessageDefinition;
  service(type: string): ServiceDefinition;
  /** The definition of `pkg/action/Name`; throws ClaudiaError('E_CODEC') when unknown. */
  action(type: string): ActionDefinition;
  types(): string[];
  services(): string[];
  actions(): string[];
}

/** rmw_cyclonedds request header carried by every service request and reply. */
export interface ServiceHeader {
  /** 64-bit hash of the client's GUID (little-endian on the wire). */
  guid: bigint;
  /** Client's sequence number for this call. */
  seq: bigint;
}
