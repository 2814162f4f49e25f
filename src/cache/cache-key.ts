import * as crypto from 'node:crypto';
import type { Analysed } from '../lang/types';

/**
 * SHA-256 in hex. The one-shot `crypto.hash` (Node >= 20.12) takes ~0.6 µs for an
 * utterance where a Hash object takes ~1.9 µs, and every lookup hashes its text; older
 * Node 20 releases fall back to the Hash object. Same digest either way.
 */
const sha256Hex: (s: string) => string =
  typeof crypto.hash === 'function' ? (s) => crypto.hash('sha256', s, 'hex') : (s) => crypto.createHash('sha256').update(s).digest('hex');

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
  return sha256Hex(version).slice(0, 12);
}

export function exactKey(tag: string, a: Analysed, promptType = '', clusterTags = false): string {
  const lang = a.languageCertain ? a.language || 'u' : 'x';
  const h = sha256Hex(a.normalised).slice(0, 32);
  // Cluster mode: the first two hash digits are a hash tag, so the keys fall into 256
  // groups spread over the masters, and a pipeline (warm-up's GET+PTTL) stays in one slot.
  return `${tag}:${lang}:${promptType || 'auto'}:${clusterTags ? `{${h.slice(0, 2)}}${h.slice(2)}` : h}`;
}

/** How many hash-tag groups cluster keys fall into (two hex digits). */
export const CLUSTER_TAG_GROUPS = 256;

/** The hash tag of a key ('' when it has none): keys with the same tag share a cluster slot. */
export function slotGroup(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : '';
}
