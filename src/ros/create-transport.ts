import type { Config, TransportKind } from '../config/types';
import type { Clock } from '../util/clock';
import { ClaudiaError } from '../util/errors';
import type { Logger } from '../util/logger';
import { createMemoryTransport, type MemoryGraph } from './memory-transport';
import type { RosTransport } from './types';

/** ROS_DOMAIN_ID wins over transport.dds_domain_id when set (as for every ROS 2 node). */
export function ddsDomainId(config: Readonly<Config>, env: NodeJS.ProcessEnv): number {
  const raw = env.ROS_DOMAIN_ID?.trim();
  if (!raw) return config.transport.dds_domain_id;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 232) throw new ClaudiaError('E_CONFIG', `ROS_DOMAIN_ID='${raw}' must be an integer 0..232`);
  return n;
}

export interface CreateTransportOptions {
  namespace: string;
  nodeName: string;
  clock: Clock;
  logger: Logger;
  config: Readonly<Config>;
  remap?: ReadonlyMap<string, string>;
  /** Memory transport only: the graph to join. */
  graph?: MemoryGraph;
  /** rclnodejs only: the process argv's `--ros-args ...` part, handed to rclnodejs.init. */
  rosArgs?: string[];
}

/**
 * The transport named by `kind`. dds and rclnodejs are loaded only when chosen (require at
 * call time), so a machine without Cyclone DDS or ROS still runs the memory transport, and
 * the dds addon and rclnodejs never share a process.
 */
export async function createTransport(kind: TransportKind, opts: CreateTransportOptions): Promise<RosTransport> {
  switch (kind) {
    case 'memory':
      return createMemoryTransport({ namespace: opts.namespace, clock: opts.clock, logger: opts.logger, remap: opts.remap, graph: opts.graph });
    case 'dds': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { createDdsTransport } = require('./dds-transport') as typeof import('./dds-transport');
      return createDdsTransport({
        namespace: opts.namespace,
        nodeName: opts.nodeName,
        clock: opts.clock,
        logger: opts.logger,
        domainId: ddsDomainId(opts.config, process.env),
        networkInterface: opts.config.transport.dds_network_interface || undefined,
        remap: opts.remap,
      });
    }
    case 'rclnodejs': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { createRclnodejsTransport } = require('./rclnodejs-transport') as typeof import('./rclnodejs-transport');
      return createRclnodejsTransport({
        namespace: opts.namespace,
        nodeName: opts.nodeName,
        clock: opts.clock,
        logger: opts.logger,
        config: opts.config,
        remap: opts.remap,
        rosArgs: opts.rosArgs,
      });
    }
    default:
      throw new ClaudiaError('E_CONFIG', `transport.kind '${String(kind)}' is unknown; use memory, dds or rclnodejs`);
  }
}
