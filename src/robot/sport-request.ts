import type { Config } from '../config/types';
import type { PlanStep } from '../pipeline/types';
import type { UnitreeRequestMsg } from '../ros/messages';

/**
 * One unitree_api/msg/Request as Unitree's SDK sends it: identity (unique id, api id as
 * int64), lease 0, policy priority 0, `noreply` for Move streams, JSON parameter, no binary.
 */
export function sportRequest(id: bigint, apiId: number, parameter: Record<string, unknown>, noreply: boolean): UnitreeRequestMsg {
  return {
    header: { identity: { id, api_id: BigInt(apiId) }, lease: { id: 0n }, policy: { priority: 0, noreply } },
    parameter: JSON.stringify(parameter),
    binary: [],
  };
}

/**
 * The Move parameter and duration, clamped to robot.move_* once more at the last step
 * before the wire: a plan that did not come from the safety compiler cannot exceed them.
 */
export function clampedMove(move: NonNullable<PlanStep['move']>, config: Config): { param: { x: number; y: number; z: number }; durationMs: number } {
  const r = config.robot;
  return {
    param: { x: clamp(move.vx, r.move_max_vx), y: clamp(move.vy, r.move_max_vy), z: clamp(move.vyaw, r.move_max_vyaw) },
    durationMs: Math.min(Math.max(0, Number.isFinite(move.durationMs) ? move.durationMs : 0), r.move_max_duration_s * 1000),
  };
}

function clamp(v: number, max: number): number {
  if (!Number.isFinite(v)) return 0;
  return Math.max(-max, Math.min(max, v));
}
