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

/** Every message and service type the codec knows, by full name. */
export interface MessageRegistry {
  has(type: string): boolean;
  /** The definition; throws ClaudiaError('E_CODEC') naming the type when unknown. */
  get(type: string): MessageDefinition;
  service(type: string): ServiceDefinition;
  types(): string[];
  services(): string[];
}

/** rmw_cyclonedds request header carried by every service request and reply. */
export interface ServiceHeader {
  /** 64-bit hash of the client's GUID (little-endian on the wire). */
  guid: bigint;
  /** Client's sequence number for this call. */
  seq: bigint;
}
