import type { Config } from '../config/types';
import type { ActionSpec } from './catalogue';

/** A turn without angle or duration turns this far. */
export const DEFAULT_TURN_DEG = 90;

export interface MoveCommand {
  vx: number;
  vy: number;
  vyaw: number;
  durationMs: number;
}

/**
 * Turns a move action and its (already range-checked) parameters into velocities and a
 * duration, clamped to robot.move_*. Linear moves: `speed` is m/s (default
 * robot.move_default_speed); turns: `speed` is rad/s. A distance or angle sets the
 * duration; without one, duration_s applies, else a turn is a quarter turn (90°) and a
 * walk lasts robot.move_default_duration_s. The result
 * never exceeds robot.move_max_duration_s, so a long distance is cut short, never sped up.
 */
export function compileMove(spec: ActionSpec, params: Record<string, number | boolean>, config: Config): MoveCommand {
  const r = config.robot;
  const dir = spec.velocity ?? { x: 0, y: 0, z: 0 };
  const num = (k: string): number | undefined => (typeof params[k] === 'number' ? (params[k] as number) : undefined);
  const speed = Math.abs(num('speed') ?? r.move_default_speed);
  const vx = clamp(dir.x * speed, r.move_max_vx);
  const vy = clamp(dir.y * speed, r.move_max_vy);
  const vyaw = clamp(dir.z * speed, r.move_max_vyaw);
  const linear = Math.hypot(vx, vy);
  let seconds: number;
  const distance = num('distance_m');
  const angle = num('angle_deg');
  if (distance !== undefined && linear > 0) seconds = distance / linear;
  else if (angle !== undefined && vyaw !== 0) seconds = ((angle * Math.PI) / 180) / Math.abs(vyaw);
  else if (num('duration_s') !== undefined) seconds = num('duration_s') as number;
  // "Turn left" with nothing else means a quarter turn, not whatever the default duration gives.
  else if (vyaw !== 0 && linear === 0) seconds = (DEFAULT_TURN_DEG * Math.PI) / 180 / Math.abs(vyaw);
  else seconds = r.move_default_duration_s;
  seconds = Math.min(Math.max(seconds, 0), r.move_max_duration_s);
  return { vx: round(vx), vy: round(vy), vyaw: round(vyaw), durationMs: Math.round(seconds * 1000) };
}

function clamp(v: number, max: number): number {
  return Math.max(-max, Math.min(max, v));
}

function round(n: number): number {
  const r = Math.round(n * 1000) / 1000;
  return r === 0 ? 0 : r; // no -0 in JSON
}
