import { foldKana, normaliseText } from '../lang/normalise';
import type { EmergencyReflex, StopHit } from '../pipeline/stages';

/**
 * L0: stop and danger words. Runs on every utterance (partial ASR results too) before
 * anything else, so it is one regex pass over the raw text and, only when that misses,
 * one over the normalised, kana-folded text. A false stop is acceptable; a missed stop
 * is not: stop words fire wherever they occur. Words that are also everyday language
 * ("help", "待って", "停") fire only when the utterance is short, i.e. said as an
 * exclamation rather than inside a sentence.
 */
export interface EmergencyWords {
  /** Fire anywhere in the utterance. */
  stop: string[];
  /** Stop words that fire only in a short utterance. */
  shortStop: string[];
  /** Stop words that fire only as the whole utterance ("だめ!", "no!"). */
  exact: string[];
  /** Danger without a stop word: stop, then the emergency template writes the reply. Very short utterances only. */
  danger: string[];
}

export const DEFAULT_EMERGENCY_WORDS: EmergencyWords = {
  stop: [
    // ja (kana-folded forms are derived automatically)
    '止まれ', '止まって', '止まりなさい', '止まりなさ', '止まろ', 'とまれ', 'とまって', 'ストップ', '緊急停止', '非常停止',
    '停止して', '停止しろ', '停止せよ', '動くな', '動かないで', 'うごくな', 'うごかないで', 'やめて', 'やめろ', 'やめなさい', '止めて', '止めろ',
    // zh
    '停下', '停止', '停住', '停一下', '快停', '停停', '站住', '别动', '不要动', '不许动', '别走了', '急停', '紧急停止', '住手', '刹车',
    // en
    'stop', 'halt', 'freeze', 'emergency', 'e-stop', 'estop', 'whoa', 'abort', 'stay still', "don't move", 'do not move',
  ],
  shortStop: ['待て', '待って', '等等', '等一下', 'wait', "that's enough", 'cease'],
  // Only words that are a stop when said alone. "no", "だめ", "不要" are left out on purpose:
  // alone they are mostly answers to a question, not commands to the body.
  exact: ['こら', 'こらっ', '停', '停停停', 'cut it out', 'no no no'],
  danger: [
    '危ない', 'あぶない', '危険', '助けて', 'たすけて', '痛い', 'いたい', '火事', '危险', '小心', '救命', '救命啊', '着火', '疼',
    'help', 'watch out', 'look out', 'careful', 'danger', 'ouch', 'fire',
  ],
};

/** Utterances up to this many characters (CJK) or words (Latin) count as short... */
const SHORT = { chars: 16, words: 6 };
/** ...and as very short (danger words, which are everyday words inside longer sentences: "can you help me with this"). */
const VERY_SHORT = { chars: 10, words: 3 };

export interface EmergencyReflexDeps {
  words?: Partial<EmergencyWords>;
}

export function createEmergencyReflex(deps: EmergencyReflexDeps = {}): EmergencyReflex {
  const words: EmergencyWords = { ...DEFAULT_EMERGENCY_WORDS, ...deps.words };
  const stop = compile(words.stop);
  const shortStop = compile(words.shortStop);
  const danger = compile(words.danger);
  const exact = new Set(words.exact.flatMap((w) => [normaliseText(w), foldKana(normaliseText(w)), toKatakana(normaliseText(w))]));

  function scan(text: string): StopHit | undefined {
    const s = firstMatch(stop, text);
    if (s) return { word: s, kind: 'stop' };
    if (!isShort(text, SHORT)) return undefined;
    const ss = firstMatch(shortStop, text);
    if (ss) return { word: ss, kind: 'stop' };
    if (!isShort(text, VERY_SHORT)) return undefined;
    const whole = text.trim().toLowerCase();
    if (exact.has(whole)) return { word: whole, kind: 'stop' };
    const d = firstMatch(danger, text);
    if (d) return { word: d, kind: 'danger' };
    return undefined;
  }

  return {
    match(raw, normalised) {
      if (!raw && !normalised) return undefined;
      // Raw first: no allocation, catches the common spelling immediately.
      const direct = raw ? scan(raw) : undefined;
      if (direct) return direct;
      // Then width/kana/spacing variants ("ＳＴＯＰ", "ｽﾄｯﾌﾟ", "止 ま っ て", "すとっぷ").
      const norm = normalised ?? normaliseText(raw);
      const viaNorm = norm === raw ? undefined : scan(norm);
      if (viaNorm) return viaNorm;
      // Shouted, stretched words: "ストーップ", "stooop", "haaalt".
      const unstretched = norm.replace(/ー/g, '').replace(/([a-z])\1{2,}/g, '$1');
      return unstretched === norm ? undefined : scan(unstretched);
    },
  };
}

interface Compiled {
  /** Sticky: tried only at positions whose character can start a word. */
  re: RegExp;
  first: Set<string>;
}

/** One alternation per class; Latin words get word boundaries, CJK words match inside text. */
function compile(list: string[]): Compiled {
  const forms = new Set<string>();
  for (const w of list) {
    const n = normaliseText(w);
    if (!n) continue;
    // Both kana scripts of every word, so no separate kana-folded pass is needed (トマレ, すとっぷ).
    forms.add(n);
    forms.add(foldKana(n));
    forms.add(toKatakana(n));
  }
  const alts = [...forms]
    .sort((a, b) => b.length - a.length)
    .map((w) => {
      const esc = w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
      return /^[a-z]/.test(w) ? `(?<![\\p{L}\\p{N}])${esc}(?![\\p{L}\\p{N}])` : esc;
    });
  // First characters of every form (and the upper-case Latin ones, for raw text): the scan
  // skips every other position, which keeps long utterances cheap.
  const first = new Set<string>();
  for (const f of forms) {
    const c = f.charAt(0);
    first.add(c);
    first.add(c.toUpperCase());
  }
  return { re: new RegExp(alts.length ? alts.join('|') : '(?!)', 'iuy'), first };
}

function toKatakana(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) as number;
    out += c >= 0x3041 && c <= 0x3096 ? String.fromCodePoint(c + 0x60) : ch;
  }
  return out;
}

function firstMatch(c: Compiled, text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    if (!c.first.has(text.charAt(i))) continue;
    c.re.lastIndex = i;
    const m = c.re.exec(text);
    if (m) return m[0].toLowerCase();
  }
  return undefined;
}

function isShort(text: string, limit: { chars: number; words: number }): boolean {
  // Cheap bound first: nothing this long is a short utterance, however it is spelled.
  if (text.length > 200) return false;
  const t = text.trim();
  // CJK text has no spaces, so its length decides; Latin text counts words.
  if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(t)) {
    return t.replace(/[\s\p{P}\p{S}]/gu, '').length <= limit.chars;
  }
  return t.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length <= limit.words;
}
