import type { Language } from '../lang/types';
import type { Proposal } from '../pipeline/types';

/**
 * What the cache keeps for one utterance, in memory and (as JSON) in Redis. The text and
 * its language travel with the answer so a node warming from Redis can rebuild the
 * semantic index, and so a hash collision can never serve another utterance's answer.
 */
export interface CacheEntry {
  v: 1;
  /** Normalised utterance. */
  text: string;
  lang: Language;
  certain: boolean;
  /** Prompt type the request asked for ('' = auto). */
  pt: string;
  actions: Proposal[];
  reply: string;
  language: Language;
  /** Wall-clock ms when stored (diagnostics only). */
  at: number;
}

const LANGS = new Set(['ja', 'zh', 'en', '']);

export function encodeEntry(e: CacheEntry): string {
  return JSON.stringify(e);
}

/** Parses and checks a stored value; undefined for anything malformed (a corrupted value is a miss, not a crash). */
export function decodeEntry(raw: string): CacheEntry | undefined {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (o['v'] !== 1 || typeof o['text'] !== 'string' || typeof o['reply'] !== 'string' || typeof o['certain'] !== 'boolean' || typeof o['pt'] !== 'string') return undefined;
  if (!LANGS.has(o['lang'] as string) || !LANGS.has(o['language'] as string) || typeof o['at'] !== 'number') return undefined;
  if (!Array.isArray(o['actions']) || !o['actions'].every(isProposal)) return undefined;
  return o as unknown as CacheEntry;
}

function isProposal(p: unknown): p is Proposal {
  if (typeof p !== 'object' || p === null) return false;
  const o = p as Record<string, unknown>;
  if (typeof o['name'] !== 'string' || o['name'].length === 0) return false;
  if (o['params'] === undefined) return true;
  if (typeof o['params'] !== 'object' || o['params'] === null) return false;
  return Object.values(o['params']).every((x) => (typeof x === 'number' && Number.isFinite(x)) || typeof x === 'boolean');
}

/** Rough heap cost of one entry (strings are UTF-16; features and map slots add a fixed share). */
export function entryBytes(e: CacheEntry, json: string): number {
  return json.length * 2 + e.text.length * 6 + 600;
}
