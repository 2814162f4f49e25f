import { createHash } from 'node:crypto';
import type { Analysed } from '../lang/types';

/**
 * Exact-tier keys: `<version tag>:<language>:<prompt type>:<hash of the normalised text>`
 * (the prompt type the caller asked for, `auto` when none: the same words asked as a
 * technical question may deserve another answer). The version tag
 * hashes what the app passes as `version` (action catalogue hash + model + prompt template
 * version), so changing any of them makes every old key unreachable (and Redis TTLs remove
 * them). Text whose language is uncertain (kanji only, no hint) gets its own language slot
 * `x`, so it never meets a ja or zh answer in the exact tier.
 */
export function versionTag(version: string): string {
  return createHash('sha256').update(version).digest('hex').slice(0, 12);
}

export function exactKey(tag: string, a: Analysed, promptType = ''): string {
  const lang = a.languageCertain ? a.language || 'u' : 'x';
  return `${tag}:${lang}:${promptType || 'auto'}:${createHash('sha256').update(a.normalised).digest('hex').slice(0, 32)}`;
}
