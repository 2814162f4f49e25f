import { encodeMessage, type MessageRegistry } from '../cdr';
import type { Logger } from '../util/logger';
import type { DdsAddon } from './dds-addon';

const TYPE = 'rmw_dds_common/msg/ParticipantEntitiesInfo';
/** rmw's graph topic: no `rt/` prefix; reliable, transient-local, keep-last 1. */
export const DISCOVERY_TOPIC = 'ros_discovery_info';

/** rmw_dds_common Gid: the 16-byte DDS GUID padded to 24 bytes, as rmw_cyclonedds fills it. */
export function gidOf(guid: Uint8Array): Uint8Array {
  const out = new Uint8Array(24);
  out.set(guid.subarray(0, 16));
  return out;
}

export interface DiscoveryInfo {
  addReader(entity: number): void;
  addWriter(entity: number): void;
  remove(entity: number): void;
  /** Publishes now (normally coalesced to one publish per tick of changes). */
  publish(): void;
  /** Stops publishing (the participant is about to go). */
  close(): void;
}

/**
 * Announces this node on `ros_discovery_info` as rmw_cyclonedds does, so `ros2 node list`
 * and `ros2 node info` on a ROS 2 machine show claudia_llm and its endpoints.
 */
export function createDiscoveryInfo(deps: {
  addon: DdsAddon;
  participant: number;
  reg: MessageRegistry;
  logger: Logger;
  nodeNamespace: string;
  nodeName: string;
}): DiscoveryInfo {
  const { addon, participant, reg } = deps;
  const topic = addon.createTopic(participant, DISCOVERY_TOPIC, 'rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_');
  const writer = addon.createWriter(participant, topic, { reliable: true, transientLocal: true, depth: 1 });
  const readers = new Map<number, Uint8Array>();
  const writers = new Map<number, Uint8Array>();
  let scheduled = false;
  let closed = false;
  const participantGid = gidOf(addon.guid(participant));

  const publish = () => {
    scheduled = false;
    if (closed) return;
    const msg = {
      gid: { data: participantGid },
      node_entities_info_seq: [
        {
          node_namespace: deps.nodeNamespace,
          node_name: deps.nodeName,
          reader_gid_seq: [...readers.values()].map((data) => ({ data })),
          writer_gid_seq: [...writers.values()].map((data) => ({ data })),
        },
      ],
    };
    try {
      addon.write(writer, encodeMessage(reg, TYPE, msg));
    } catch (err) {
      deps.logger.warn('publishing ros_discovery_info failed', { error: (err as Error).message });
    }
  };
  const schedule = () => {
    if (scheduled || closed) return;
    scheduled = true;
    queueMicrotask(publish);
  };
  const gidSafe = (entity: number) => gidOf(addon.guid(entity));
  return {
    addReader(entity) {
      readers.set(entity, gidSafe(entity));
      schedule();
    },
    addWriter(entity) {
      writers.set(entity, gidSafe(entity));
      schedule();
    },
    remove(entity) {
      if (readers.delete(entity) || writers.delete(entity)) schedule();
    },
    publish,
    close() {
      closed = true;
    },
  };
}
