import { decodeMessage, encodeMessage } from '../cdr';
import type { MessageRegistry } from '../cdr';
import { DEFAULT_QOS, type QosProfile } from '../ros/types';
import { ClaudiaError } from '../util/errors';
import { formatOfferedQos } from './qos-yaml';
import type { BagTopic, BagWriter } from './types';

/** A bag topic for a message type, with the QoS the node offers (Foxy's YAML form). */
export function bagTopic(name: string, type: string, qos: Partial<QosProfile> = {}): BagTopic {
  return { name, type, serialization_format: 'cdr', offered_qos_profiles: formatOfferedQos([{ ...DEFAULT_QOS, ...qos }]) };
}

/** Message objects in, CDR bytes into the bag. */
export interface TypedBagWriter {
  addTopic(name: string, type: string, qos?: Partial<QosProfile>): void;
  writeMessage(topic: string, timestamp: bigint, msg: unknown): void;
  readonly raw: BagWriter;
}

export function createTypedBagWriter(deps: { writer: BagWriter; registry: MessageRegistry }): TypedBagWriter {
  const types = new Map<string, string>();
  return {
    raw: deps.writer,
    addTopic(name, type, qos) {
      requireKnownType(deps.registry, name, type);
      deps.writer.addTopic(bagTopic(name, type, qos));
      types.set(name, type);
    },
    writeMessage(topic, timestamp, msg) {
      const type = types.get(topic);
      if (!type) throw new ClaudiaError('E_BAG', `topic ${topic} has not been added; call addTopic first`);
      deps.writer.write(topic, timestamp, encodeMessage(deps.registry, type, msg));
    },
  };
}

/** A topic type the codec has no definition for cannot be decoded or encoded: say which and why. */
export function requireKnownType(registry: MessageRegistry, topic: string, type: string): void {
  if (!registry.has(type)) {
    throw new ClaudiaError(
      'E_BAG',
      `topic ${topic} has type '${type}', which this build has no message definition for; add its .msg to interfaces/ or leave the topic out (--topics)`,
    );
  }
}

/** Decodes one bag payload; a payload that does not match its type names the topic and position. */
export function decodeBagPayload<T>(registry: MessageRegistry, topic: BagTopic, data: Uint8Array, index: number): T {
  if (topic.serialization_format !== 'cdr') {
    throw new ClaudiaError('E_BAG', `topic ${topic.name} is serialized as '${topic.serialization_format}'; only cdr can be decoded`);
  }
  requireKnownType(registry, topic.name, topic.type);
  try {
    return decodeMessage<T>(registry, topic.type, data) as T;
  } catch (err) {
    throw new ClaudiaError('E_BAG', `message #${index} on ${topic.name} does not decode as ${topic.type}: ${(err as Error).message}`, { cause: err });
  }
}
