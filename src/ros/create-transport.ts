import type { Config, TransportKind } from '../config/types';
import { ClaudiaError } from '../util/errors';
import { createMemoryTransport, type MemoryGraph } from './memory-transport';
import type { RclnodejsTransportOptions } from './rclnodejs-transport';
import type { RosTransport } from './types';

/** ROS_DOMAIN_ID wins over transport.dds_domain_id when set (as for every ROS 2 node). */
export function ddsDomainId(config: Readonly<Config>, env: NodeJS.ProcessEnv): number {
  const raw = env.ROS_DOMAIN_ID?.trim();
  if (!raw) return config.transport.dds_domain_id;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 232) throw new ClaudiaError('E_CONFIG', `ROS_DOMAIN_ID='${raw}' must be an integer 0..232`);
  return n;
}

/**
 * The node-level options the rclnodejs transport takes (the others use a subset; rosArgs is
 * rclnodejs only), without its test injections, plus the memory transport's graph. A type
 * import only: rclnodejs-transport is still loaded at call time.
 */
export interface CreateTransportOptions extends Omit<RclnodejsTransportOptions, 'registry' | 'rclnodejs'> {
  /** Memory transport only: the graph to join. */
  graph?: MemoryGraph;
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
