/**
 * Metric label values come only from closed sets, so a hallucinated action name, a long
 * error message or an utterance can never create a new time series.
 */

export const SOURCES = ['reflex', 'cache', 'semantic_cache', 'llm', 'fallback'] as const;
export const LANES = ['urgent', 'high', 'medium', 'low'] as const;
export const CACHE_TIERS = ['memory', 'redis', 'semantic'] as const;
export const GOAL_ENDS = ['succeeded', 'canceled', 'aborted'] as const;

/** Why the safety compiler refused an action, normalised to a closed enum. */
export const SAFETY_REASONS = [
  'high_risk_disabled',
  'low_confidence',
  'unscored_input',
  'unknown_action',
  'bad_parameter',
  'posture',
  'battery',
  'too_many_actions',
  'stop_epoch',
  'unknown_state',
  'limits',
  'other',
] as const;
export type SafetyReason = (typeof SAFETY_REASONS)[number];

/** Keyword -> reason, first match wins; order matters (more specific first). */
const REASON_RULES: Array<[RegExp, SafetyReason]> = [
  [/superseded|stop_?epoch|epoch|after_stop/, 'stop_epoch'],
  [/unscored/, 'unscored_input'],
  [/confidence/, 'low_confidence'],
  [/high_?risk|risk|flip|not_enabled|disabled/, 'high_risk_disabled'],
  [/unknown_?(action|api|id|name)|hallucinat|not_in_catalog|whitelist|not_allowed|unknown$/, 'unknown_action'],
  [/param|argument|malformed|invalid/, 'bad_parameter'],
  [/battery/, 'battery'],
  [/too_many|max_actions|action_limit/, 'too_many_actions'],
  [/unknown_?state|state_unknown/, 'unknown_state'],
  [/posture|standing|stand|lying|damp|sitting|prerequisite/, 'posture'],
  [/limit|velocity|speed|duration|range|clamp/, 'limits'],
];

export function normaliseSafetyReason(reason: string): SafetyReason {
  const r = String(reason).toLowerCase().replace(/^(blocked|dropped):/, '').replace(/[\s-]+/g, '_').slice(0, 80);
  if ((SAFETY_REASONS as readonly string[]).includes(r)) return r as SafetyReason;
  for (const [re, out] of REASON_RULES) if (re.test(r)) return out;
  return 'other';
}

/** Codes the Go2 sends or Unitree's SDK produces; anything else is `other`. */
const KNOWN_ROBOT_CODES = new Set(['0', '-1', '3102', '3103', '3104', '3105', '3106', '3107', '3201', '3202', '3203', '3204', '3205', '3206', '3207']);

export function robotCodeLabel(code: number | 'unknown'): string {
  if (code === 'unknown') return 'unknown';
  const s = String(code);
  return KNOWN_ROBOT_CODES.has(s) ? s : 'other';
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T | 'other' = 'other'): T | 'other' {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/**
 * For label values that are bounded in practice but not known in advance (action names
 * from the catalogue, api ids, component names, error codes): identifier-shaped values are
 * admitted until `max` distinct ones are seen; the rest become `other`.
 */
export interface LabelGuard {
  (value: unknown): string;
  readonly size: number;
}

export function createLabelGuard(max = 64, pattern = /^[A-Za-z0-9_.:-]{1,48}$/): LabelGuard {
  const seen = new Set<string>();
  const guard = ((value: unknown) => {
    const s = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value : '';
    if (seen.has(s)) return s;
    if (!pattern.test(s) || seen.size >= max) return 'other';
    seen.add(s);
    return s;
  }) as LabelGuard;
  Object.defineProperty(guard, 'size', { get: () => seen.size });
  return guard;
}

/** Ollama host label: only hosts from the configuration (a closed set), else `other`. */
export function hostLabel(host: unknown, configured: readonly string[]): string {
  if (typeof host !== 'string' || host === '') return 'none';
  const norm = normaliseHost(host);
  for (const h of configured) if (normaliseHost(h) === norm) return norm;
  return 'other';
}

export function normaliseHost(host: string): string {
  const withScheme = host.includes('://') ? host : `http://${host}`;
  try {
    const u = new URL(withScheme);
    return `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return host.slice(0, 64);
  }
}
