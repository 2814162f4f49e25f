export { createScheduler } from './scheduler';
export type { Scheduler, SchedulerLimits, SchedulerStats } from './scheduler';
export { createHostPool } from './host-pool';
export type { HostPool, HostState, HostHealth, HealthProbe } from './host-pool';
export { LANES, LANE_RANK } from './types';
export type { SchedTask, SchedResult, SubmitOptions, RunContext, HostHandle } from './types';
export { laneFor } from './lane-for';
