import type { Config, Posture } from '../config/types';
import type { Clock } from '../util/clock';
import type { Telemetry } from '../util/telemetry';
import type { ActionSpec } from './catalogue';

/** The subset of unitree_go/msg/SportModeState the posture tracker reads. */
export interface SportModeStateLike {
  mode?: number;
  body_height?: number;
  error_code?: number;
}

export type RobotCode = number | 'unknown';

/**
 * What the node believes about the body: posture (for prerequisites), battery (for the
 * battery gate) and the last command and robot code (for diagnostics). Fed by executed
 * commands and, when subscribed, /lf/sportmodestate and the battery topic; the latest
 * source wins.
 */
export interface RobotState {
  posture(): Posture;
  /** Where the posture came from: initial config, a command, or the robot's own state topic. */
  postureSource(): 'config' | 'command' | 'sportmodestate';
  setPosture(p: Posture, source: 'config' | 'command' | 'sportmodestate'): void;
  /** Battery in percent, undefined until a battery message arrived. */
  battery(): number | undefined;
  onBattery(percent: number): void;
  onSportModeState(msg: SportModeStateLike): void;
  /** The executor reports every command it published and the code that came back. */
  onCommand(spec: ActionSpec): void;
  onResult(spec: ActionSpec, code: RobotCode): void;
  lastCommand(): { name: string; apiId: number; at: number } | undefined;
  lastCode(): { name: string; apiId: number; code: RobotCode; at: number } | undefined;
  /** Clock time of the last sport-mode message (undefined = never). */
  lastStateAt(): number | undefined;
}

/**
 * Go2 sport-mode values (unitree_go SportModeState.mode): 1 balanceStand, 2 pose,
 * 3 locomotion, 8 recoveryStand -> standing; 5 lieDown -> lying; 7 damping -> damp;
 * 10 sit -> sitting. 0 (idle) is used both standing and lying down, so body height decides
 * it; other values (jointLock, flips, jumps) leave the posture as it was.
 */
const MODE_POSTURE: Record<number, Posture> = { 1: 'standing', 2: 'standing', 3: 'standing', 8: 'standing', 5: 'lying', 7: 'damp', 10: 'sitting' };
const STANDING_HEIGHT_M = 0.22;
const LYING_HEIGHT_M = 0.15;

export interface RobotStateDeps {
  config: Config;
  clock: Clock;
  telemetry?: Telemetry;
}

export function createRobotState(deps: RobotStateDeps): RobotState {
  const { config, clock } = deps;
  let posture: Posture = config.robot.initial_posture;
  let source: 'config' | 'command' | 'sportmodestate' = 'config';
  let battery: number | undefined;
  let lastCmd: { name: string; apiId: number; at: number } | undefined;
  let lastCode: { name: string; apiId: number; code: RobotCode; at: number } | undefined;
  let stateAt: number | undefined;

  return {
    posture: () => posture,
    postureSource: () => source,
    setPosture(p, s) {
      posture = p;
      source = s;
    },
    battery: () => battery,
    onBattery(percent) {
      if (typeof percent !== 'number' || !Number.isFinite(percent)) return;
      // Percent 0..100 (the ROS side converts BatteryState.percentage, which is 0..1).
      battery = Math.min(100, Math.max(0, percent));
    },
    onSportModeState(msg) {
      stateAt = clock.now();
      const mode = typeof msg.mode === 'number' ? msg.mode : undefined;
      let p: Posture | undefined = mode === undefined ? undefined : MODE_POSTURE[mode];
      if (p === undefined && mode === 0 && typeof msg.body_height === 'number') {
        if (msg.body_height >= STANDING_HEIGHT_M) p = 'standing';
        else if (msg.body_height <= LYING_HEIGHT_M) p = 'lying';
      }
      if (p !== undefined) {
        posture = p;
        source = 'sportmodestate';
      }
    },
    onCommand(spec) {
      lastCmd = { name: spec.name, apiId: spec.apiId, at: clock.now() };
    },
    onResult(spec, code) {
      lastCode = { name: spec.name, apiId: spec.apiId, code, at: clock.now() };
      if (!spec.postureAfter) return;
      // 0 done, -1 already in that state: the posture is what the action leads to.
      if (code === 0 || code === -1) {
        posture = spec.postureAfter;
        source = 'command';
      } else if (code === 'unknown') {
        // No answer: we cannot tell whether it happened; unknown counts as not standing,
        // so the next action that needs standing gets a StandUp first (safe side).
        posture = 'unknown';
        source = 'command';
      }
    },
    lastCommand: () => lastCmd,
    lastCode: () => lastCode,
    lastStateAt: () => stateAt,
  };
}
