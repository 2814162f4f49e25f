import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Posture } from '../config/types';
import { ConfigError } from '../util/errors';
import type { Language } from '../lang/types';

export type ActionKind = 'sport' | 'move' | 'stop';
export type Risk = 'low' | 'medium' | 'high';

export interface ParamSpec {
  type: 'number' | 'integer' | 'boolean';
  min?: number;
  max?: number;
  default?: number | boolean;
}

export interface ActionSpec {
  name: string;
  apiId: number;
  kind: ActionKind;
  risk: Risk;
  requiresStanding: boolean;
  postureAfter?: Exclude<Posture, 'unknown'>;
  timeoutS: number;
  /** True when the file gave timeout_s; otherwise the executor uses robot.response_timeout_s. */
  timeoutSet?: boolean;
  parameter: Record<string, unknown>;
  params: Record<string, ParamSpec>;
  velocity?: { x: number; y: number; z: number };
  enabled: boolean;
  replies: Record<Exclude<Language, ''>, string>;
}

export interface ActionCatalogue {
  readonly actions: ReadonlyMap<string, ActionSpec>;
  /** Hash of the catalogue's content: part of every cache key. */
  readonly hash: string;
  byName(name: string): ActionSpec | undefined;
  /** Names the LLM may choose (enabled ones), in file order. */
  names(): string[];
  /** Every api id the whitelist allows (enabled actions only). */
  apiIds(): Set<number>;
  /**
   * What to say when the safety compiler refuses an action for `reason` (`blocked_replies`
   * in the file; its `default` entry when the reason has none).
   */
  blockedReply(reason: string, lang: Exclude<Language, ''>): string;
}

type Replies = Record<Exclude<Language, ''>, string>;

const POSTURES = ['standing', 'sitting', 'lying', 'damp'];

export function loadCatalogue(file: string): ActionCatalogue {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read action catalogue ${file}: ${(err as Error).message}; set robot.actions_file`);
  }
  return parseCatalogue(text, file);
}

export function parseCatalogue(text: string, where = 'actions.yaml'): ActionCatalogue {
  const doc = parseYaml(text) as { actions?: unknown; blocked_replies?: unknown };
  if (!doc || !Array.isArray(doc.actions)) throw new ConfigError(`${where}: expected 'actions:' with a list of actions`);
  const actions = new Map<string, ActionSpec>();
  for (const [i, raw] of doc.actions.entries()) {
    const spec = parseAction(raw as Record<string, unknown>, `${where}: actions[${i}]`);
    if (actions.has(spec.name)) throw new ConfigError(`${where}: action '${spec.name}' is listed twice`);
    actions.set(spec.name, spec);
  }
  if (!actions.has('stop') || actions.get('stop')?.apiId !== 1003) {
    throw new ConfigError(`${where}: the catalogue must contain 'stop' with api_id 1003 (the emergency reflex needs it)`);
  }
  const blocked = parseBlockedReplies(doc.blocked_replies, where);
  const hash = createHash('sha256').update(JSON.stringify([...actions.values()])).digest('hex').slice(0, 16);
  return {
    actions,
    hash,
    byName: (name) => actions.get(name),
    names: () => [...actions.values()].filter((a) => a.enabled).map((a) => a.name),
    apiIds: () => new Set([...actions.values()].filter((a) => a.enabled).map((a) => a.apiId)),
    blockedReply: (reason, lang) => (Object.hasOwn(blocked, reason) ? blocked[reason] : blocked['default'])?.[lang] ?? '',
  };
}

function parseReplies(raw: unknown, where: string): Replies {
  const replies = (raw ?? {}) as Record<string, unknown>;
  for (const lang of ['ja', 'zh', 'en']) {
    if (typeof replies[lang] !== 'string') throw new ConfigError(`${where}.${lang} is missing`);
  }
  return replies as Replies;
}

function parseBlockedReplies(raw: unknown, where: string): Record<string, Replies> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw) || !('default' in raw)) {
    throw new ConfigError(`${where}: expected 'blocked_replies:' with at least a 'default' entry (ja, zh, en): what the robot says when an action is refused`);
  }
  const out: Record<string, Replies> = {};
  for (const [reason, replies] of Object.entries(raw)) out[reason] = parseReplies(replies, `${where}: blocked_replies.${reason}`);
  return out;
}

function parseAction(r: Record<string, unknown>, where: string): ActionSpec {
  const name = r['name'];
  const apiId = r['api_id'];
  if (typeof name !== 'string' || !/^[a-z][a-z0-9_]*$/.test(name)) throw new ConfigError(`${where}: 'name' must be snake_case`);
  if (typeof apiId !== 'number' || !Number.isInteger(apiId) || apiId <= 0) throw new ConfigError(`${where} (${name}): 'api_id' must be a positive integer`);
  const kind = (r['kind'] ?? 'sport') as ActionKind;
  if (!['sport', 'move', 'stop'].includes(kind)) throw new ConfigError(`${where} (${name}): kind must be sport, move or stop`);
  const risk = (r['risk'] ?? 'low') as Risk;
  if (!['low', 'medium', 'high'].includes(risk)) throw new ConfigError(`${where} (${name}): risk must be low, medium or high`);
  const postureAfter = r['posture_after'] as ActionSpec['postureAfter'];
  if (postureAfter !== undefined && !POSTURES.includes(postureAfter)) throw new ConfigError(`${where} (${name}): posture_after must be one of ${POSTURES.join(', ')}`);
  const replies = parseReplies(r['replies'], `${where} (${name}): replies`);
  const params = (r['params'] ?? {}) as Record<string, ParamSpec>;
  for (const [p, s] of Object.entries(params)) {
    if (!['number', 'integer', 'boolean'].includes(s.type)) throw new ConfigError(`${where} (${name}): params.${p}.type must be number, integer or boolean`);
  }
  const velocity = r['velocity'] as ActionSpec['velocity'];
  if (kind === 'move' && !velocity) throw new ConfigError(`${where} (${name}): a move action needs 'velocity'`);
  return {
    name,
    apiId,
    kind,
    risk,
    requiresStanding: r['requires_standing'] === true,
    postureAfter,
    timeoutS: typeof r['timeout_s'] === 'number' ? r['timeout_s'] : 2,
    timeoutSet: typeof r['timeout_s'] === 'number',
    parameter: (r['parameter'] ?? {}) as Record<string, unknown>,
    params,
    velocity,
    enabled: r['enabled'] !== false,
    replies,
  };
}
