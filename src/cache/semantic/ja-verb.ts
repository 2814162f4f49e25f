import type { KanaInfo } from './kana';
import type { VerbForm, VerbToken } from './types';

/**
 * Light Japanese verb lemmatiser for one chunk "kanji root + hiragana tail" (座って,
 * 曲がらないで, 伏せる). It needs no dictionary: it splits the tail into fixed okurigana,
 * the inflecting kana and an auxiliary, and keeps every dictionary form the inflection
 * could come from (座って -> 座う|座つ|座る). Two chunks are the same verb when their fixed
 * part and form agree and their candidate lemmas intersect, so 座って = 座り = 座れ, while
 * 曲がって != 曲げて and 出て != 出して. Tails it does not recognise stay literal text.
 */

/** Auxiliaries after a te-form (て/で). */
const AFTER_TE: Record<string, VerbForm> = { '': 'cmd', いる: 'prog', る: 'prog', います: 'prog', いて: 'prog' };
/** Auxiliaries after a ta-form (た/だ). */
const AFTER_TA: Record<string, VerbForm> = { '': 'past' };
/** After an i-row masu stem (座り, 座ります). */
const AFTER_I: Record<string, VerbForm> = {
  '': 'cmd', ます: 'cmd', ましょう: 'cmd', なさい: 'cmd', ました: 'past', ません: 'neg', たい: 'want', たくない: 'neg',
};
/** After an ichidan stem (伏せ-, 起き-). */
const AFTER_ICHIDAN: Record<string, VerbForm> = {
  て: 'cmd', る: 'dict', ろ: 'cmd', よ: 'cmd', よう: 'cmd', ます: 'cmd', ましょう: 'cmd', なさい: 'cmd',
  た: 'past', ました: 'past', ない: 'neg', ないで: 'neg', なくて: 'neg', なく: 'neg', ません: 'neg', ず: 'neg', ずに: 'neg', るな: 'neg',
  たい: 'want', たくない: 'neg', ている: 'prog', てる: 'prog', ています: 'prog',
};
const AFTER_A: Record<string, VerbForm> = { ない: 'neg', ないで: 'neg', なくて: 'neg', なく: 'neg', ず: 'neg', ずに: 'neg' };
const ONBIN: Record<string, string[]> = { っ: ['う', 'つ', 'る'], ん: ['む', 'ぶ', 'ぬ'] };
/** A tail that is one of these is a noun + particle (右に, 猫は), not a verb. */
const PARTICLES = new Set(['に', 'を', 'は', 'が', 'で', 'と', 'の', 'へ', 'も', 'や', 'か', 'な', 'ね', 'よ']);

export function parseVerbChunk(root: string, tail: string, kana: ReadonlyMap<string, KanaInfo>): VerbToken | undefined {
  if (tail === '' || PARTICLES.has(tail)) return undefined;
  const chars = Array.from(tail);
  for (let fixed = 0; fixed <= Math.min(2, chars.length - 1); fixed++) {
    const base = root + chars.slice(0, fixed).join('');
    const parsed = parseInflection(base, chars.slice(fixed), kana);
    if (parsed) return { kind: 'verb', base, lemmas: parsed.lemmas.sort(), form: parsed.form };
  }
  return undefined;
}

function parseInflection(base: string, rest: string[], kana: ReadonlyMap<string, KanaInfo>): { lemmas: string[]; form: VerbForm } | undefined {
  const first = rest[0] as string;
  const second = rest[1];
  const tailFrom = (i: number) => rest.slice(i).join('');
  // Godan onbin: 座って, 進んで, 書いて, 泳いで, 出して (and their ta-forms).
  if (second !== undefined && (first === 'っ' || first === 'ん' || first === 'い' || first === 'し')) {
    const te = second === 'て' || second === 'で';
    const ta = second === 'た' || second === 'だ';
    const form = te ? AFTER_TE[tailFrom(2)] : ta ? AFTER_TA[tailFrom(2)] : undefined;
    if (form) {
      const voiced = second === 'で' || second === 'だ';
      const endings = first === 'い' ? [voiced ? 'ぐ' : 'く'] : first === 'し' ? ['す'] : (ONBIN[first] ?? []);
      if (endings.length > 0 && (first !== 'っ' || !voiced) && (first !== 'ん' || voiced)) {
        const lemmas = endings.map((e) => base + e);
        // し+て is also an ichidan stem (案じて is rare in speech; keep the godan reading only).
        return { lemmas, form };
      }
    }
  }
  // Ichidan with the whole stem in kanji: 見て, 出る, 寝ろ.
  const whole = AFTER_ICHIDAN[tailFrom(0)];
  if (whole && first !== 'る') return { lemmas: [base + 'る'], form: whole };
  const info = kana.get(first);
  if (!info) return undefined;
  const after = tailFrom(1);
  const godan = base + info.u;
  const ichidan = base + first + 'る';
  switch (info.vowel) {
    case 'i': {
      const f = AFTER_I[after];
      if (f) return { lemmas: [godan, ichidan], form: f };
      const g = AFTER_ICHIDAN[after];
      if (g) return { lemmas: [ichidan], form: g };
      return undefined;
    }
    case 'e': {
      if (after === '') return { lemmas: [godan, ichidan], form: 'cmd' };
      const g = AFTER_ICHIDAN[after];
      return g ? { lemmas: [ichidan], form: g } : undefined;
    }
    case 'u':
      if (after === '') return { lemmas: [base + first], form: 'dict' };
      if (after === 'な') return { lemmas: [base + first], form: 'neg' };
      return undefined;
    case 'a': {
      const f = AFTER_A[after];
      return f ? { lemmas: [godan], form: f } : undefined;
    }
    case 'o':
      return after === 'う' ? { lemmas: [godan], form: 'cmd' } : undefined;
  }
}

/** Same verb: same fixed part and form, and at least one candidate lemma in common. */
export function sameVerb(a: VerbToken, b: VerbToken): boolean {
  if (a.base !== b.base || a.form !== b.form) return false;
  return a.lemmas.some((l) => b.lemmas.includes(l));
}
