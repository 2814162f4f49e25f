import type { QosProfile } from '../ros/types';

/** rmw enum values as Foxy's rosbag2 writes them (rmw/types.h). */
const HISTORY_KEEP_LAST = 1;
const RELIABILITY = { reliable: 1, best_effort: 2 } as const;
const DURABILITY = { transient_local: 1, volatile: 2 } as const;
const LIVELINESS_AUTOMATIC = 1;
/** What rmw_cyclonedds reports for an infinite duration on Foxy; `ros2 bag` recordings carry it. */
const INFINITE = { sec: 2147483647, nsec: 4294967295 };

/**
 * offered_qos_profiles as Foxy stores it: yaml-cpp's block rendering of a list with one map per
 * publisher. `ros2 bag play` on Foxy reads reliability and durability from it to pick its QoS.
 */
export function formatOfferedQos(profiles: readonly QosProfile[]): string {
  return profiles
    .map((p) =>
      [
        `- history: ${HISTORY_KEEP_LAST}`,
        `  depth: ${p.depth}`,
        `  reliability: ${RELIABILITY[p.reliability]}`,
        `  durability: ${DURABILITY[p.durability]}`,
        '  deadline:',
        `    sec: ${INFINITE.sec}`,
        `    nsec: ${INFINITE.nsec}`,
        '  lifespan:',
        `    sec: ${INFINITE.sec}`,
        `    nsec: ${INFINITE.nsec}`,
        `  liveliness: ${LIVELINESS_AUTOMATIC}`,
        '  liveliness_lease_duration:',
        `    sec: ${INFINITE.sec}`,
        `    nsec: ${INFINITE.nsec}`,
        '  avoid_ros_namespace_conventions: false',
      ].join('\n'),
    )
    .join('\n');
}
