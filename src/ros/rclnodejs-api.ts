/**
 * The part of rclnodejs (0.22.x) the rclnodejs transport uses, written structurally so the
 * main build needs no rclnodejs install. test/types/rclnodejs-api.check.cts proves, under
 * `npm run typecheck:rclnodejs`, that rclnodejs 0.22.2's published typings satisfy it.
 */
export interface RclTypeClass {
  package: string;
  type: string;
  name: string;
}

export interface RclLogging {
  debug(message: string): boolean;
  info(message: string): boolean;
  warn(message: string): boolean;
  error(message: string): boolean;
}

export interface RclParameter {
  readonly name: string;
  readonly type: number;
  value: unknown;
}

export interface RclQoS {
  history: number;
  depth: number;
  // A method in rclnodejs 0.22's typings (sic).
  reliability(): number;
  durability: number;
  avoidRosNameSpaceConventions: boolean;
}

export interface RclOptions {
  qos?: RclQoS;
}

export interface RclPublisher {
  publish(message: object): void;
}

export interface RclServiceResponse {
  send(response: object): void;
}

export interface RclClient {
  sendRequest(request: object, callback: (response: object) => void): void;
  waitForService(timeout?: number): Promise<boolean>;
}

/** One accepted goal of an rclnodejs ActionServer. */
export interface RclServerGoalHandle {
  /** The goal message (rclnodejs message object; toPlainObject() gives the fields). */
  readonly request: object;
  readonly goalId: { uuid: number[] | Uint8Array };
  readonly isCancelRequested: boolean;
  publishFeedback(feedback: object): void;
  succeed(): void;
  abort(): void;
  canceled(): void;
}

export interface RclActionServer {
  destroy(): void;
}

/**
 * `node` is the Node rclnodejs created (createNode); its full class is not modelled here, so
 * the parameter is typed `never` and the transport passes its node with a cast.
 */
export type RclActionServerClass = new (
  node: never,
  typeClass: RclTypeClass,
  actionName: string,
  executeCallback: (goalHandle: RclServerGoalHandle) => Promise<object>,
  goalCallback?: (goal: object) => number,
  handleAcceptedCallback?: (goalHandle: RclServerGoalHandle) => void,
  cancelCallback?: (goalHandle?: RclServerGoalHandle) => number,
  options?: { resultTimeout?: number },
) => RclActionServer;

export interface RclNode {
  getLogger(): RclLogging;
  createPublisher(typeClass: RclTypeClass, topic: string, options?: RclOptions): RclPublisher;
  createSubscription(typeClass: RclTypeClass, topic: string, options: RclOptions, callback: (message: object) => void): object;
  createService(typeClass: RclTypeClass, serviceName: string, options: RclOptions, callback: (request: object, response: RclServiceResponse) => void): object;
  createClient(typeClass: RclTypeClass, serviceName: string, options?: RclOptions): RclClient;
  declareParameter(parameter: RclParameter, descriptor?: undefined, ignoreOverride?: boolean): RclParameter;
  getParameterOverrides(): RclParameter[];
  addOnSetParametersCallback(callback: (parameters: RclParameter[]) => { successful: boolean; reason: string }): void;
  destroySubscription(subscription: object): void;
  destroyService(service: object): void;
  spin(timeout?: number): void;
  destroy(): void;
}

export interface RclnodejsApi {
  init(context?: undefined, argv?: string[]): Promise<void>;
  createNode(nodeName: string, namespace?: string): RclNode;
  shutdown(): void;
  isShutdown(): boolean;
  removeSignalHandlers?(): void;
  Parameter: new (name: string, type: number, value?: unknown) => RclParameter;
  QoS: new (history?: number, depth?: number, reliability?: number, durability?: number) => RclQoS;
  ActionServer: RclActionServerClass;
}

/** ROS parameter types (rcl_interfaces/msg/ParameterType). */
export const PARAM_TYPE = { BOOL: 1, INTEGER: 2, DOUBLE: 3, STRING: 4, STRING_ARRAY: 9 } as const;
/** rclnodejs GoalResponse / CancelResponse values. */
export const RCL_ACTION = { GOAL_ACCEPT: 2, CANCEL_ACCEPT: 2 } as const;
/** rmw QoS policy values as rclnodejs numbers them. */
export const RCL_QOS = { KEEP_LAST: 1, KEEP_ALL: 2, RELIABLE: 1, BEST_EFFORT: 2, TRANSIENT_LOCAL: 1, VOLATILE: 2 } as const;

/** `claudia_llm/msg/SpeechText` -> { package, type, name } (accepted for any type by rclnodejs). */
export function rclTypeClass(type: string): RclTypeClass {
  const [pkg, kind, name] = type.split('/');
  if (!pkg || !kind || !name) throw new Error(`type '${type}' must look like pkg/msg/Name`);
  return { package: pkg, type: kind, name };
}
