import { toTraditionalForms } from '../lang/chinese-script';
import { groupBy } from '../lang/group-by';
import { foldKana, normaliseText } from '../lang/normalise';
import { shippedPhrasebook, PHRASE_LANGUAGES, type LanguagePhrases, type Phrasebook } from '../lang/phrasebook';
import type { EmergencyReflex, StopHit } from '../pipeline/stages';
import { createStopWordScan } from './stop-word-scan';

/**
 * L0: stop and danger words. Runs on every utterance (partial ASR results too) before
 * anything else may refuse it, over the whole text however long, in linear time. A false stop
 * is acceptable; a missed stop is not. The words are data (config/phrases/*.yaml), by section:
 * - stop: fires anywhere in the utterance;
 * - stop_short: fires in a short utterance, or as the exclaimed head of a longer one ("wait, ...");
 * - stop_exact: fires as the whole utterance ("こら!");
 * - stop_repeated: a negation said twice or more as the whole utterance ("no no!", ダメダメ,
 *   不要不要), or three times or more as its head ("no no no, not there");
 * - danger (pain, collision, falling): a very short utterance or its head ("help!", "痛い！何するの");
 *   alarm: danger that also fires as the first words ("watch out there's a step"); hazard: a
 *   hazard noun shouted twice or more as the whole utterance ("階段！階段！", "stairs! stairs!");
 *   warning: a hazard noun with a `warning` word (a place by the robot, something coming) in a
 *   short piece ("there's a baby right there", 前面是楼梯, 車が来てる);
 *   for all four the emergency template writes the reply.
 * Words inside a sentence ("can you help me with this", "a non-stop flight") do not fire
 * unless they are in `stop`.
 */
export interface EmergencyReflexDeps {
  phrases?: Phrasebook;
}

/** Utterances up to this many characters (CJK) or words (Latin) count as short... */
const SHORT = { chars: 16, words: 6 };
/** ...and as very short (danger words are everyday words inside longer sentences). */
const VERY_SHORT = { chars: 10, words: 3 };
/** Text up to this long goes through the full normaliser; longer text through the one-pass stop word scan. */
export const FULL_NORMALISE_MAX = 4096;
/** The head of an utterance (its first clause) is looked for in this many characters. */
const HEAD_MAX = 200;
/** Clause breaks: the head of "痛い！何するの" is "痛い", of "wait, where are you going" "wait". */
const CLAUSE_BREAK = /[!！?？,，、。.;；:：…\n]|\s[-–—]\s|(?<=[\u3040-\u30ff\u3400-\u9fff])\s/;
/** A hyphen between letters joins a word; HYPHEN is the cheap test in front of it. */
const HYPHEN = /[-‐‑]/;
const JOINING_HYPHEN = /(?<=\p{L})[-‐‑](?=\p{L})/gu;
const LATIN_START = /^[a-z]/;
const HIRAGANA_NEXT = /^\s*\p{Script=Hiragana}/u;

export function createEmergencyReflex(deps: EmergencyReflexDeps = {}): EmergencyReflex {
  const book = deps.phrases ?? shippedPhrasebook();
  const all = (section: Exclude<keyof LanguagePhrases, 'actions' | 'rewrite'>) =>
    PHRASE_LANGUAGES.flatMap((l) => (l === 'zh' ? withTraditional(book.zh[section]) : book[l][section]));
  const stop = compile(all('stop'));
  const spareInnocent = compileInnocent(all('stop_innocent'), all('stop'));
  /** The first stop word in `text` that is not part of an innocent word (ノンストップ). */
  const stopIn = (text: string) => spareInnocent(firstMatch(stop, text), text, (t) => firstMatch(stop, t));
  // The raw spelling too: "e-stop" is "e stop" once normalised, and the scan keeps the hyphen.
  const stopScan = createStopWordScan(all('stop').flatMap((w) => [...forms(w), w.toLowerCase()]));
  const shortStop = compile(all('stop_short'));
  const alarm = compileStart(all('alarm'));
  const danger = compile([...all('danger'), ...all('alarm')]);
  const exact = new Set(all('stop_exact').flatMap(forms));
  const particles = all('particles');
  const repeated = compileRepeated(all('stop_repeated'), particles);
  const hazard = compileRepeated(all('hazard'), particles);
  const hazardWord = compile(all('hazard'));
  const warning = compile(all('warning'));
  const squashed = compileSquashed([...all('danger'), ...all('alarm'), ...all('stop_exact'), ...all('stop_short')], particles);
  const lead = compileLead([...all('wake'), ...all('filler')]);

  /**
   * Every rule, on text that was folded one way; `whole` when the text is the whole utterance.
   * `tried` holds the pieces this utterance's other foldings already found nothing in;
   * `stopsSearched` when the stop words were already looked for in this very text.
   */
  function scan(text: string, whole: boolean, tried?: string[], stopsSearched = false): StopHit | undefined {
    const s = stopsSearched ? undefined : stopIn(text);
    if (s) return { word: s, kind: 'stop' };
    if (!whole || text.length > HEAD_MAX) return undefined;
    return exclaimedOnce(text, tried) ?? exclaimedOnce(stripLead(text), tried);
  }

  /**
   * The exclamation rules on a piece, unless this utterance already tried the same piece: the
   * foldings often agree (no wake word to strip, nothing stretched), and the rules depend on
   * the piece alone.
   */
  function exclaimedOnce(text: string, tried?: string[]): StopHit | undefined {
    if (!tried) return exclaimed(text);
    const t = text.trim();
    if (tried.includes(t)) return undefined;
    tried.push(t);
    return exclaimed(t);
  }

  /** The exclamation rules on a short piece (a whole short utterance, or its head). */
  function exclaimed(text: string): StopHit | undefined {
    if (!text) return undefined;
    const t = text.trim();
    // Any negation twice or more in a row, alone or in front of more ("no no!", ダメダメ, "あかんあかんそっちちゃう");
    // an English one in front of more text three times ("no no nonsense" is an opener, "no no no, ..." an alarm).
    const rep = repeated.exec(t);
    if (rep && rep.count >= 2 && (rep.whole || rep.count >= 3 || !LATIN_START.test(rep.word))) return { word: rep.word, kind: 'stop' };
    // A hazard named twice or more, and nothing else ("階段！階段！", "car! car!"); said once it is only a word.
    const hz = hazard.exec(t);
    if (hz && hz.count >= 2 && hz.whole) return { word: hz.word, kind: 'danger' };
    const size = shortness(t);
    if (size & SHORT_PIECE) {
      const ss = firstMatch(shortStop, t);
      if (ss) return { word: ss, kind: 'stop' };
      // A hazard said where the robot is about to be ("there's a baby right there", 前面是楼梯,
      // 車が来てる): a warning. Either word alone is only a word (楼梯在哪, "right there").
      const h = firstMatch(hazardWord, t);
      if (h && firstMatch(warning, t)) return { word: h, kind: 'danger' };
    }
    if (size & VERY_SHORT_PIECE) {
      if (exact.has(t.toLowerCase())) return { word: t.toLowerCase(), kind: 'stop' };
      const d = firstMatch(danger, t);
      if (d) return { word: d, kind: 'danger' };
    }
    // Elongated and colloquial exclamations: "いったーい", "あぶねぇ!", "いってぇよ".
    const sq = squashed(t);
    if (sq) return { word: sq, kind: 'danger' };
    // Alarms as the first words, unpunctuated: "watch out there's a step", "小心前面有台阶";
    // not when a hiragana ending carries the word on ("危ないことはしないで" is advice).
    if (size & SHORT_PIECE) {
      const a = alarm(t);
      if (a && !HIRAGANA_NEXT.test(t.slice(a.length))) return { word: a, kind: 'danger' };
    }
    return undefined;
  }

  function stripLead(t: string): string {
    let out = t.trim();
    for (let i = 0; i < 4; i++) {
      const m = lead.exec(out);
      if (!m || m.length >= out.length) break;
      out = out.slice(m.length).trim();
    }
    return out;
  }

  /** The first clause of a longer utterance, with its wake word and fillers taken off. */
  function head(raw: string): string | undefined {
    const start = raw.slice(0, HEAD_MAX * 2);
    const m = CLAUSE_BREAK.exec(start);
    if (!m || m.index === 0) return undefined;
    return stripLead(normaliseText(start.slice(0, m.index)));
  }

  function short(raw: string): StopHit | undefined {
    // Raw first: no allocation, catches the common spelling immediately.
    const direct = stopIn(raw);
    if (direct) return { word: direct, kind: 'stop' };
    // Then width/kana/spacing/invisible-character variants ("ＳＴＯＰ", "ｽﾄｯﾌﾟ", "止 ま っ て", "止\u200bまって").
    // A hyphen inside a word joins it ("non-stop" is one word, not "non stop"; "e-stop" is "estop").
    const norm = normaliseText(HYPHEN.test(raw) ? raw.replace(JOINING_HYPHEN, '') : raw);
    const tried: string[] = [];
    // Text that was already folded (lower case, no punctuation) is its own normal form.
    const viaNorm = scan(norm, true, tried, norm === raw);
    if (viaNorm) return viaNorm;
    // Shouted, stretched words: "ストーップ", "stooop", "haaalt".
    const unstretched = unstretch(norm);
    const viaStretch = unstretched === norm ? undefined : scan(unstretched, true, tried);
    if (viaStretch) return viaStretch;
    const h = head(raw);
    return h && h !== norm ? exclaimedOnce(h, tried) ?? exclaimedOnce(unstretch(h), tried) : undefined;
  }

  /**
   * Text of any length: the stop words in one pass over the raw text, folded as it is read
   * (stop-word-scan.ts: invisible characters, width, spaces between CJK characters,
   * stretches); the exclamation rules look at the head only.
   */
  function long(raw: string): StopHit | undefined {
    const s = spareInnocent(stopScan.find(raw), raw, (t) => stopScan.find(t));
    if (s) return { word: s, kind: 'stop' };
    const h = head(raw);
    return h ? exclaimed(h) : undefined;
  }

  return {
    warmUp: () => stopScan.warmUp(),
    match(raw, normalised) {
      if (!raw && !normalised) return undefined;
      if (!raw) return scan(normalised as string, true);
      return raw.length <= FULL_NORMALISE_MAX ? short(raw) : long(raw);
    },
  };
}

/** The zh phrases plus their traditional spellings (opencc-js), so 別動 and 危險 stop too. */
function withTraditional(list: string[]): string[] {
  return [...new Set(list.flatMap((w) => [w, ...toTraditionalForms(w)]))];
}

/**
 * Shouted, stretched words: long-vowel marks out, a Latin letter said three or more times once
 * ("stooop" -> "stop"). A loop, not a back-reference regex, which overflows the stack on
 * megabytes of one letter.
 */
function unstretch(t: string): string {
  const s = t.replace(/ー/g, '');
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; ) {
    const c = s.charCodeAt(i);
    let j = i + 1;
    while (j < s.length && s.charCodeAt(j) === c) j++;
    if (j - i >= 3 && ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a))) {
      out += s.slice(from, i + 1);
      from = j;
    }
    i = j;
  }
  return from === 0 ? s : out + s.slice(from);
}

/** Every spelling of a phrase L0 compares: normalised, and in both kana scripts. */
function forms(w: string): string[] {
  const n = normaliseText(w);
  return n ? [n, foldKana(n), toKatakana(n)] : [];
}

interface Compiled {
  /**
   * Global, no `u` flag and no lookarounds: one regex search over the whole text finds the
   * candidates (irregexp scans megabytes in tens of ms this way, several times faster than with
   * the word-boundary lookarounds).
   */
  any: RegExp;
  /** Sticky, with the boundaries: confirms a candidate, or finds a phrase at the start. */
  at: RegExp;
}

/**
 * One alternation per class. Latin words get word boundaries (a hyphen in front, "non-stop",
 * makes them part of another word); CJK words, katakana ones too, match inside text: a stop
 * said twice (ストップストップ), inside a compound (エマージェンシーストップ) or against the name
 * (クラウディアストップ) stops. The few innocent compounds are the phrasebook's `stop_innocent`.
 */
function compile(list: string[]): Compiled {
  const all = new Set(list.flatMap(forms));
  const alts = [...all]
    .sort((a, b) => b.length - a.length)
    .map((w) => {
      const esc = escape(w);
      return /^[a-z0-9]/.test(w) ? `(?<![\\p{L}\\p{N}]-?)${esc}(?![\\p{L}\\p{N}])` : esc;
    });
  const src = alts.length ? alts.join('|') : '(?!)';
  const plain = [...all].sort((a, b) => b.length - a.length).map(escape).join('|') || '(?!)';
  return { any: new RegExp(plain, 'gi'), at: new RegExp(src, 'iuy') };
}

/**
 * The phrasebook's innocent words (ノンストップ, ストップウォッチ) in every spelling `forms` gives.
 * The returned check takes a stop word found in `text` and how to look again: when the word is
 * one an innocent word holds and the text holds an innocent word as written (rare), the innocent
 * words are blanked and the text read once more (still linear). Spelled otherwise (ﾉﾝｽﾄｯﾌﾟ in
 * long text), an innocent word stops the robot: a false stop is acceptable, a missed one is not.
 */
function compileInnocent(list: string[], stops: string[]): (hit: string | undefined, text: string, again: (masked: string) => string | undefined) => string | undefined {
  // Unstretched too: the stretched reading of a text takes ー out of ストップモーション as well.
  const words = [...new Set(list.flatMap(forms).flatMap((w) => [w, unstretch(w)]))].sort((a, b) => b.length - a.length);
  if (!words.length) return (hit) => hit;
  const carriers = new Set(stops.flatMap(forms).map((w) => w.toLowerCase()).filter((s) => words.some((w) => w.toLowerCase().includes(s))));
  const re = new RegExp(words.map(escape).join('|'), 'gi');
  return (hit, text, again) => {
    if (!hit || !carriers.has(hit)) return hit;
    re.lastIndex = 0;
    return re.test(text) ? again(text.replace(re, ' ')) : hit;
  };
}

function escape(w: string): string {
  return w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
}

/** Wake words and fillers at the start of a piece, longest first. */
function compileLead(list: string[]): { exec(t: string): string | undefined } {
  const alts = [...new Set(list.flatMap(forms))].sort((a, b) => b.length - a.length).map((w) => (/^[a-z]/.test(w) ? `${escape(w)}(?![\\p{L}\\p{N}])` : escape(w)));
  const re = new RegExp(`^(?:${alts.join('|') || '(?!)'})`, 'iu');
  return { exec: (t) => re.exec(t)?.[0] };
}

/**
 * Negations said again and again at the start of a piece, in any mix of languages ("no no",
 * ダメダメ, "ダメ no no no"): how many, and whether they are the whole piece. A Latin one must
 * end a word ("no nonsense" is one "no").
 */
function compileRepeated(list: string[], particles: string[]): { exec(t: string): { word: string; count: number; whole: boolean } | undefined } {
  const words = [...new Set(list.flatMap(forms))];
  const alt = (xs: string[]) => xs.map((w) => (/^[a-z]/.test(w) ? `${escape(w)}(?![\\p{L}\\p{N}])` : escape(w)));
  const longestFirst = alt([...words].sort((a, b) => b.length - a.length));
  if (!longestFirst.length) return { exec: () => undefined };
  const particleAlts = alt([...new Set(particles.flatMap(forms))].sort((a, b) => b.length - a.length));
  // A sentence-final particle or an elongation may follow each one ("不要啦不要啦", "あかんてあかん", "だめーだめー").
  // Not when the "particle" starts the next negation (the や of "やだやだ").
  const tail = `(?:\\s*(?!${longestFirst.join('|')})(?:${[...particleAlts, 'ー+', '[っッ〜~ぁぃぅぇぉ]+'].join('|')}))*`;
  const unitOf = (alts: string[]) => new RegExp(`\\s*(?:${alts.join('|')})${tail}`, 'iuy');
  // Longest first, and also shortest first: one negation can begin with another ("やめや" and
  // "やめ"), and the longer one can swallow the start of the repeat ("やめやめ").
  const units = [unitOf(longestFirst), unitOf(alt([...words].sort((a, b) => a.length - b.length)))];
  const run = (unit: RegExp, t: string) => {
    let at = 0;
    let count = 0;
    for (;;) {
      unit.lastIndex = at;
      const m = unit.exec(t);
      if (!m || unit.lastIndex === at) break;
      at = unit.lastIndex;
      count++;
    }
    return { at, count };
  };
  return {
    exec(t) {
      const [a, b] = units.map((u) => run(u, t)) as [{ at: number; count: number }, { at: number; count: number }];
      const best = b.count > a.count ? b : a;
      if (best.count === 0) return undefined;
      return { word: t.slice(0, best.at).trim().toLowerCase(), count: best.count, whole: t.slice(best.at).trim() === '' };
    },
  };
}

/**
 * Elongation and colloquial sound changes folded away, on both sides: long marks, small
 * vowels and small tsu out, a kana said again once ("いったーい" = いたい, "いててて" = いて),
 * and an adjective's -ai said as -ee ("あぶない" -> "あぶねえ", "いたい" -> "いてえ").
 * Matches only the whole piece, or its start with nothing but particles or non-kana after it,
 * never inside a word (squashed "いて" must not fire in "ここにいて").
 */
function compileSquashed(list: string[], particles: string[]): (t: string) => string | undefined {
  const words = new Set<string>();
  for (const w of list.flatMap(forms)) {
    if (!/[\u3040-\u309f\u30a0-\u30ff]/.test(w)) continue;
    for (const v of [w, ...eEnding(foldKana(w))]) {
      const s = squash(v);
      if (s.length >= 2) words.add(s);
    }
  }
  // Longest first, grouped by first character: only the words that can start the piece are tried.
  const byFirst = groupBy([...words].sort((a, b) => b.length - a.length), (w) => w.charAt(0));
  const tails = [...new Set(particles.flatMap(forms).map(squash))].filter(Boolean).sort((a, b) => b.length - a.length);
  return (t) => {
    if (!HAS_KANA_CHAR.test(t) || t.length > HEAD_MAX || !byFirst.has(squashedFirst(t))) return undefined;
    const s = squash(t.replace(ALL_SPACES, ''));
    for (const w of byFirst.get(s.charAt(0)) ?? NONE) {
      if (!s.startsWith(w)) continue;
      let rest = s.slice(w.length);
      // Particles after it ("あぶねえよ", "いてえってば").
      for (let guard = 0; guard < 3 && rest; guard++) {
        const p = tails.find((x) => rest.startsWith(x));
        if (!p) break;
        rest = rest.slice(p.length);
      }
      if (rest === '' || rest === w || !HIRAGANA_START.test(rest)) return w;
    }
    return undefined;
  };
}

const HAS_KANA_CHAR = /[\u3040-\u30ff]/;
const HIRAGANA_START = /^[\u3040-\u309f]/;
const ALL_SPACES = /\s+/g;
const NONE: readonly string[] = [];
const ELONGATION = /[ーぁぃぅぇぉっ〜~]/g;
const ELONGATION_CHAR = /[ーぁぃぅぇぉっ〜~]/;
const WHITESPACE = /\s/;
const REPEATED_KANA = /(\p{Script=Hiragana})\1+/gu;

/** Kana folded, elongations out, a kana repeated right after itself once. */
function squash(t: string): string {
  return foldKana(t).replace(ELONGATION, '').replace(REPEATED_KANA, '$1');
}

/** The first character of `squash` of the text without its spaces, without squashing it: most pieces start with no word's first kana. */
function squashedFirst(t: string): string {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    // Katakana folds to hiragana as in foldKana; spaces and elongations are taken out.
    const ch = String.fromCharCode(c >= 0x30a1 && c <= 0x30f6 ? c - 0x60 : c);
    if (WHITESPACE.test(ch) || ELONGATION_CHAR.test(ch)) continue;
    return ch;
  }
  return '';
}

/** The colloquial -ee of an adjective ending in a-row + い: あぶない -> あぶねえ, いたい -> いてえ. */
const A_TO_E: Record<string, string> = { あ: 'え', か: 'け', が: 'げ', さ: 'せ', ざ: 'ぜ', た: 'て', だ: 'で', な: 'ね', ま: 'め', ら: 'れ', わ: 'え', ば: 'べ', ぱ: 'ぺ', は: 'へ' };
function eEnding(w: string): string[] {
  const m = /(.)い$/u.exec(w);
  const e = m ? A_TO_E[m[1] as string] : undefined;
  return e ? [w.slice(0, -2) + e + 'え'] : [];
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
  c.any.lastIndex = 0;
  for (let m = c.any.exec(text); m; m = c.any.exec(text)) {
    c.at.lastIndex = m.index;
    const ok = c.at.exec(text);
    if (ok) return ok[0].toLowerCase();
    c.any.lastIndex = m.index + 1;
  }
  return undefined;
}

/**
 * A phrase at the very start of a piece, with the same boundaries as `compile` (a Latin phrase
 * ends a word), the longest that fits. One
 * regex with the phrases as a trie of characters: a flat alternation tries every phrase that
 * shares the start of the text again from the start ("you're going to fall", "you're going to
 * trip", ... against "you're tired": microseconds), the trie walks the shared start once. The
 * boundary in front of a phrase (`compile`'s lookbehinds) always holds at the start of the text.
 */
function compileStart(list: string[]): (text: string) => string | undefined {
  interface Node {
    next: Map<string, Node>;
    /** The end-of-phrase boundary when a phrase ends here. */
    end?: string;
    longest: number;
  }
  const root: Node = { next: new Map(), longest: 0 };
  for (const w of new Set(list.flatMap(forms))) {
    let n = root;
    for (const ch of w) {
      let k = n.next.get(ch);
      if (!k) n.next.set(ch, (k = { next: new Map(), longest: 0 }));
      k.longest = Math.max(k.longest, w.length);
      n = k;
    }
    n.end = /^[a-z0-9]/.test(w) ? '(?![\\p{L}\\p{N}])' : '';
  }
  // At each character the longer phrases first, the phrase ending there (if any) last.
  const source = (n: Node): string => {
    const alts = [...n.next].sort((a, b) => b[1].longest - a[1].longest).map(([ch, k]) => escape(ch) + source(k));
    if (n.end !== undefined) alts.push(n.end);
    return alts.length === 1 ? (alts[0] as string) : `(?:${alts.join('|')})`;
  };
  const re = root.next.size ? new RegExp(source(root), 'iuy') : undefined;
  return (text) => {
    if (!re) return undefined;
    re.lastIndex = 0;
    return re.exec(text)?.[0].toLowerCase();
  };
}

/** Bits of `shortness`: the piece is within SHORT, within VERY_SHORT. */
const SHORT_PIECE = 1;
const VERY_SHORT_PIECE = 2;
const HAS_CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const SPACE_PUNCT_SYMBOL = /[\s\p{P}\p{S}]/gu;
const SPACES = /\s+/;
const WORDLIKE = /[\p{L}\p{N}]/u;

/** Whether a piece is short and very short (SHORT_PIECE | VERY_SHORT_PIECE bits), measured once for all the rules. */
function shortness(text: string): number {
  // Cheap bound first: nothing this long is a short utterance, however it is spelled.
  if (text.length > HEAD_MAX) return 0;
  const t = text.trim();
  // CJK text has no spaces, so its length decides; Latin text counts words.
  if (HAS_CJK.test(t)) {
    const n = t.replace(SPACE_PUNCT_SYMBOL, '').length;
    return (n <= SHORT.chars ? SHORT_PIECE : 0) | (n <= VERY_SHORT.chars ? VERY_SHORT_PIECE : 0);
  }
  const n = t.split(SPACES).filter((w) => WORDLIKE.test(w)).length;
  return (n <= SHORT.words ? SHORT_PIECE : 0) | (n <= VERY_SHORT.words ? VERY_SHORT_PIECE : 0);
}
