import type { Language } from '../lang/types';
import type { ActionCatalogue } from '../robot/catalogue';
import type { CompiledAction } from './types';

/** Verdicts of an action that was asked for and will not run (the coalesced follower's actions ran in the leader). */
export function refusalReason(verdict: string): string | undefined {
  if (verdict.startsWith('blocked:')) return verdict.slice('blocked:'.length);
  if (verdict === 'dropped:superseded_by_stop') return 'superseded_by_stop';
  return undefined;
}

/** True when the compiled plan refuses at least one requested action. */
export function refusesAny(actions: readonly CompiledAction[]): boolean {
  return actions.some((a) => refusalReason(a.verdict) !== undefined);
}

/**
 * The reply that goes out with a compiled plan. Whoever proposed the actions (reflex, cache,
 * LLM) wrote its reply for the actions it asked for; when the safety compiler refused one,
 * that reply would announce something the robot will not do. Then the reply is rebuilt from
 * the catalogue alone: the `replies` of the actions that do run, then the `blocked_replies`
 * of each refusal reason, in the user's language. Nothing of the proposer's text is kept.
 */
export function replyForPlan(proposed: string, actions: readonly CompiledAction[], catalogue: ActionCatalogue, lang: Exclude<Language, ''>): string {
  if (!refusesAny(actions)) return proposed;
  const parts: string[] = [];
  for (const a of actions) {
    // An inserted StandUp is part of the action it prepares; its own reply would be noise.
    if (a.verdict !== 'ok') continue;
    const said = catalogue.byName(a.name)?.replies[lang];
    if (said && !parts.includes(said)) parts.push(said);
  }
  for (const a of actions) {
    const reason = refusalReason(a.verdict);
    if (reason === undefined) continue;
    const said = catalogue.blockedReply(reason, lang);
    if (said && !parts.includes(said)) parts.push(said);
  }
  return parts.join(lang === 'en' ? ' ' : '');
}
