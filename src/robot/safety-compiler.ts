import type { Config, Posture } from '../config/types';
import type { SafetyCompiler, StopEpoch } from '../pipeline/stages';
import type { CompiledAction, Plan, PlanStep, Proposal, Request } from '../pipeline/types';
import type { ComponentStatus, Telemetry } from '../util/telemetry';
import type { ActionCatalogue, ActionSpec } from './catalogue';
import { compileMove } from './move-params';
import type { RobotState } from './robot-state';

/**
 * Every action list, from any source (reflex, cache, LLM), passes here before anything is
 * published. Each proposal gets a verdict with a reason code; only `ok` and `inserted`
 * actions become plan steps. Reason codes (`blocked:<reason>`, `dropped:<reason>`):
 *   unknown_action        not a catalogue name (hallucinated ids like "1018" included)
 *   not_supported         disabled in the catalogue (firmware answers 3203)
 *   high_risk_disabled    high-risk action while safety.enable_high_risk is false
 *   unscored_input        high-risk action for input without ASR confidence
 *   low_confidence        high-risk action below safety.high_risk_min_confidence
 *   battery_low / battery_critical  battery gate
 *   unknown_state         robot state unknown and safety.unknown_state_safe_only
 *   posture_prerequisite  needs standing and StandUp is not available
 *   bad_param             a parameter of the wrong type
 *   param_out_of_range    a distance, angle, duration or other bound outside the catalogue's
 *                         range (only `speed` is clamped); a negative distance, angle or
 *                         duration is refused, never turned into the opposite direction
 *   max_actions           more than safety.max_actions_per_request
 *   superseded_by_stop    the utterance was heard before the latest emergency stop
 */
export interface SafetyCompilerDeps {
  config: Config;
  catalogue: ActionCatalogue;
  state: RobotState;
  epoch: StopEpoch;
  telemetry?: Telemetry;
}

const RESTING: ReadonlySet<Posture> = new Set(['lying', 'sitting', 'damp']);

export function createSafetyCompiler(deps: SafetyCompilerDeps): SafetyCompiler & { status(): ComponentStatus; readonly component: 'safety' } {
  const { config, catalogue, state, epoch, telemetry } = deps;
  const s = config.safety;
  const blocks = new Map<string, number>();
  let compiled = 0;

  function block(action: CompiledAction, reason: string): void {
    action.verdict = `blocked:${reason}`;
    blocks.set(reason, (blocks.get(reason) ?? 0) + 1);
    telemetry?.emit({ type: 'safety_block', reason, action: action.api_id ? action.name : 'unknown' });
  }

  /** Posture/resting actions the battery gate and the unknown-state gate still allow. */
  function safePosture(spec: ActionSpec): boolean {
    return spec.kind === 'stop' || (spec.kind === 'sport' && spec.postureAfter !== undefined && spec.risk !== 'high');
  }

  function gate(spec: ActionSpec, req: Request, actual: Posture): string | undefined {
    if (spec.kind === 'stop') return undefined; // StopMove is always allowed
    if (spec.risk === 'high') {
      if (!s.enable_high_risk) return 'high_risk_disabled';
      // NaN, undefined or negative: unscored (never "passes every comparison").
      const conf = typeof req.confidence === 'number' && Number.isFinite(req.confidence) && req.confidence >= 0 ? req.confidence : -1;
      if (conf < 0 && !s.trust_unscored_input) return 'unscored_input';
      if (conf >= 0 && conf < s.high_risk_min_confidence) return 'low_confidence';
    }
    const battery = state.battery();
    if (battery !== undefined) {
      if (battery <= s.battery_critical_percent && !(spec.postureAfter && RESTING.has(spec.postureAfter))) return 'battery_critical';
      if (battery <= s.battery_low_percent && !safePosture(spec)) return 'battery_low';
    }
    if (s.unknown_state_safe_only && actual === 'unknown' && !safePosture(spec)) return 'unknown_state';
    return undefined;
  }

  return {
    component: 'safety',
    compile(proposals: Proposal[], req: Request): Plan {
      compiled++;
      const actions: CompiledAction[] = [];
      const steps: PlanStep[] = [];
      const wanted = (Array.isArray(proposals) ? proposals : []).filter((p) => p && p.name !== 'chat');
      if (req.epoch < epoch.current()) {
        for (const p of wanted) {
          const spec = lookup(p);
          actions.push({ name: spec?.name ?? String(p.name), api_id: spec?.apiId ?? 0, parameter: '{}', verdict: 'dropped:superseded_by_stop' });
        }
        return { steps, actions };
      }
      const actual = state.posture();
      let posture: Posture = actual;
      let accepted = 0;
      for (const p of wanted) {
        const spec = lookup(p);
        const action: CompiledAction = { name: spec?.name ?? safeName(p.name), api_id: spec?.apiId ?? 0, parameter: '{}', verdict: 'ok' };
        actions.push(action);
        if (!spec) {
          block(action, 'unknown_action');
          continue;
        }
        if (!spec.enabled) {
          block(action, 'not_supported');
          continue;
        }
        const why = gate(spec, req, actual);
        if (why) {
          block(action, why);
          continue;
        }
        if (accepted >= s.max_actions_per_request) {
          block(action, 'max_actions');
          continue;
        }
        const params = checkParams(spec, p.params);
        if (!params.ok) {
          block(action, params.reason);
          continue;
        }
        if (spec.requiresStanding && posture !== 'standing') {
          const stand = catalogue.byName('stand_up');
          const prev = steps[steps.length - 1];
          const prevIsStandUp = prev !== undefined && prev.spec.apiId === stand?.apiId;
          if (!stand || !stand.enabled || prevIsStandUp || gate(stand, req, actual)) {
            block(action, 'posture_prerequisite');
            continue;
          }
          actions.splice(actions.length - 1, 0, { name: stand.name, api_id: stand.apiId, parameter: '{}', verdict: 'inserted' });
          steps.push({ spec: stand, parameter: {}, actionIndex: actions.length - 2 });
          posture = 'standing';
        }
        const step: PlanStep = { spec, parameter: {}, actionIndex: actions.length - 1 };
        if (spec.kind === 'move') {
          const move = compileMove(spec, params.values, config);
          step.move = move;
          step.parameter = { x: move.vx, y: move.vy, z: move.vyaw };
          action.parameter = JSON.stringify({ ...step.parameter, duration_s: move.durationMs / 1000 });
        } else {
          step.parameter = { ...spec.parameter, ...params.values };
          action.parameter = JSON.stringify(step.parameter);
        }
        steps.push(step);
        accepted++;
        if (spec.postureAfter) posture = spec.postureAfter;
      }
      return { steps, actions };
    },
    status() {
      const values: Record<string, string | number | boolean> = {
        compiled,
        high_risk_enabled: s.enable_high_risk,
        posture: state.posture(),
        battery_percent: state.battery() ?? -1,
      };
      for (const [k, v] of blocks) values[`blocked_${k}`] = v;
      const battery = state.battery();
      const low = battery !== undefined && battery <= s.battery_low_percent;
      return { level: low ? 'warn' : 'ok', message: low ? `battery low (${battery}%): only safe postures allowed` : 'ok', values };
    },
  };

  function lookup(p: Proposal): ActionSpec | undefined {
    if (!p || typeof p.name !== 'string') return undefined;
    // Names only: an id ("1016", 1018) is not a name, so a hallucinated code never matches.
    return catalogue.byName(p.name.trim().toLowerCase());
  }
}

/** Names from the LLM go into messages and logs: keep them short and printable. */
function safeName(name: unknown): string {
  return String(name).replace(/[^\w.-]/g, '_').slice(0, 40);
}

/** Parameters the compiler clamps into range; every other bound refuses the action. */
const CLAMPED_PARAMS: ReadonlySet<string> = new Set(['speed']);
/** Magnitudes: a move's direction is the action's, so a sign here is never a direction. */
const NON_NEGATIVE_PARAMS: ReadonlySet<string> = new Set(['distance_m', 'angle_deg', 'duration_s']);

/**
 * Parameters against the catalogue, the only authority for bounds (the grammar enforces
 * none on numbers): unknown keys are ignored (the defaults apply), wrong types block the
 * action (`bad_param`), integers are rounded, a value out of [min, max] blocks it
 * (`param_out_of_range`) except `speed`, which is clamped. A negative distance, angle or
 * duration is out of range whatever the catalogue says.
 */
export function checkParams(
  spec: ActionSpec,
  given: Proposal['params'],
): { ok: true; values: Record<string, number | boolean> } | { ok: false; reason: 'bad_param' | 'param_out_of_range' } {
  const values: Record<string, number | boolean> = {};
  for (const [k, ps] of Object.entries(spec.params)) {
    const v = given?.[k];
    if (v === undefined || v === null) {
      if (ps.default !== undefined) values[k] = ps.default;
      continue;
    }
    if (ps.type === 'boolean') {
      if (typeof v !== 'boolean') return { ok: false, reason: 'bad_param' };
      values[k] = v;
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) return { ok: false, reason: 'bad_param' };
    let n = ps.type === 'integer' ? Math.round(v) : v;
    if (NON_NEGATIVE_PARAMS.has(k) && n < 0) return { ok: false, reason: 'param_out_of_range' };
    const below = ps.min !== undefined && n < ps.min;
    const above = ps.max !== undefined && n > ps.max;
    if ((below || above) && !CLAMPED_PARAMS.has(k)) return { ok: false, reason: 'param_out_of_range' };
    if (below) n = ps.min as number;
    if (above) n = ps.max as number;
    values[k] = n;
  }
  return { ok: true, values };
}
