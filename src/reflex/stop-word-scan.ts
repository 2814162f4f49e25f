/**
 * L0's `stop` words over text of any length in one forward pass, without building a folded
 * copy of the text. The text is folded code unit by code unit while it is read (a table over
 * the BMP, built once per process) and walked through an Aho-Corasick automaton over the
 * phrases folded the same way. The fold: NFKC per code unit and lower case (fullwidth and
 * halfwidth forms, compatibility ideographs, the ideographic space), Latin accents off, voiced
 * kana decomposed (で = て + the voicing mark, however it was written: precomposed, with a
 * combining or a halfwidth mark), invisible and format characters, variation selectors, tags,
 * other combining marks and the long-vowel mark ー dropped, a run of whitespace read as one space
 * and none between two CJK characters, a Latin letter said three times or more read once
 * ("stooop") and a doubled small tsu once.
 *
 * The boundaries are those of the regex path (emergency-reflex.ts `compile`): a Latin phrase not
 * after a letter or digit (or a letter or digit and '-') and not before one; a CJK phrase, katakana
 * too, anywhere (ストップストップ, エマージェンシーストップ). A boundary holds when it holds
 * in the folded text or between the raw characters next to the match, so whatever the raw text
 * or its folded form matches is matched ("x\u200bstop" stops, as the raw pass did).
 *
 * Cost: a tight loop over the raw code units (copied a chunk at a time into a typed array) looks
 * each one up in a "may begin a phrase" table and the next one in a set of the phrases' first
 * two units; a candidate left is tried by a short walk of the trie over plain code units, and
 * only where that walk meets an invisible character, a stretch, a space after CJK or the end of a
 * phrase does the full fold take over, until the automaton is back at its root. Every code unit
 * is read a bounded number of times whatever the text (8 MB of zero-width spaces, of one letter,
 * of combining marks): linear.
 */

export interface StopWordScan {
  /** The first stop phrase found in `text` (the form it was given as), or undefined. */
  find(text: string): string | undefined;
  /**
   * Reads made-up text until the JIT has compiled the scan (about 0.1-0.2 s of CPU, once per
   * process): the long-lived node calls it at start, one-shot commands need not.
   */
  warmUp(): void;
}

/** What a BMP code unit folds to: a code unit (>= 0), or one of these. */
const DROP = -1;
const SPACE = -2;
/** A high surrogate: the pair decides. */
const PAIR = -3;
/** MULTI - k: the expansion `expansions[k]` ("㍿" -> 株式会社, "ﬀ" -> ff, "で" -> て + mark). */
const MULTI = -16;

/** Character classes, per code unit (raw or folded). */
const ALNUM = 1;
const KATA = 2;
const CJK = 8;

const VOICED = 0x3099;
const SEMI_VOICED = 0x309a;
const HYPHEN = 0x2d;
const SP = 0x20;
const SMALL_TSU = 0x3063;

/** Boundary rules of a phrase, at its start and at its end. */
const NONE = 0;
const LATIN = 1;

/** `start` table bits, per raw code unit: may begin a phrase... */
const CAN_START = 1;
/** ...and every phrase it can begin is Latin (so not right after an ASCII letter or digit); */
const LATIN_START = 2;
/** a high surrogate whose block of 1,024 code points is not looked at yet; */
const UNRESOLVED = 4 | CAN_START;
/** an ASCII letter or digit. */
const ASCII_WORD = 8;

const NOTHING_HELD = -2;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface FoldTables {
  fold: Int32Array;
  expansions: string[];
  cls: Uint8Array;
  /** Letters whose runs are shortened, by folded unit: a-z (three or more -> one), っ and ッ (two or more -> one, keyed as っ). */
  runKey: Uint16Array;
  /**
   * The same by raw code unit, case kept as the regex path kept it ("stilllL" is "stilL"):
   * the letter's NFKC form, or っ.
   */
  stretchKey: Uint16Array;
  /** Per expansion, its units' stretch keys (a string of the same length). */
  expansionKeys: string[];
}

/**
 * Dropped by the fold: format characters (zero-width space and joiners, soft hyphen, bidi marks,
 * BOM, tags), fillers, variation selectors, combining marks except the kana voicing marks, and
 * the long-vowel mark.
 */
// The class lists joiners and variation selectors on purpose.
// eslint-disable-next-line no-misleading-character-class
const DROPPED = /(?![\u3099\u309a])[\p{Cf}\p{Mn}\p{Me}\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2060-\u206f\u3164\ufe00-\ufe0f\uffa0\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}ー]/gu;
/**
 * Code units whose fold may differ from themselves (a superset: the rest fold to themselves).
 * Separate patterns: one class of their union is several times slower to scan.
 */
const MAY_FOLD = ['\\p{Changes_When_NFKC_Casefolded}', '\\p{Changes_When_Lowercased}', '\\p{Cf}\\p{Mn}\\p{Me}', '\\s\\u00c0-\\u024f\\u1e00-\\u1eff\\u02bc\\u2019\\u2060-\\u206f\\u3040-\\u30ff\\u3164\\u115f\\u1160\\uffa0'];
const MAY_FOLD_ONE = new RegExp(`^[${MAY_FOLD.join('')}]$`, 'u');
/** Latin letters with accents and voiced kana: decomposed, the accents then dropped. */
const DECOMPOSE = /[\u00c0-\u024f\u1e00-\u1eff\u3040-\u30ff]/;
const WHITE = /^\s+$/;
const CJK_CHARS = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\u3005\\u3006\\u30fc\\u3040-\\u30ff\\u3400-\\u9fff\\uf900-\\ufaff';
const IS_ALNUM = /[\p{L}\p{N}]/u;
const IS_KATA = /\p{Script=Katakana}/u;
const IS_CJK = new RegExp(`[${CJK_CHARS}]`, 'u');

function foldString(s: string): string {
  return (foldParts(s.normalize('NFKC').toLowerCase())[0] as string);
}

let shared: FoldTables | undefined;

/** The fold tables: built on first use (tens of ms), then shared by every scan. */
function foldTables(): FoldTables {
  shared ??= buildFoldTables();
  return shared;
}

function buildFoldTables(): FoldTables {
  const fold = new Int32Array(0x10000);
  const cls = new Uint8Array(0x10000);
  const expansions: string[] = [];
  const expansionKeys: string[] = [];
  // Every non-surrogate BMP code unit in order, so one regex pass finds each class.
  const units = new Uint16Array(0x10000 - 0x800);
  for (let c = 0, p = 0; c < 0x10000; c++) if (c < 0xd800 || c > 0xdfff) units[p++] = c;
  const bmp = utf16(units);
  const unitAt = (p: number) => (p < 0xd800 ? p : p + 0x800);
  /** Sets `bit` in `table` for every unit the pattern (a class with +) matches. */
  const mark = (table: Uint8Array, re: RegExp, bit: number) => {
    for (const m of bmp.matchAll(re)) {
      for (let p = m.index, end = m.index + m[0].length; p < end; p++) {
        const c = unitAt(p);
        table[c] = (table[c] as number) | bit;
      }
    }
  };
  for (let c = 0; c < 0x10000; c++) fold[c] = c >= 0xd800 && c <= 0xdbff ? PAIR : c;
  const runKey = new Uint16Array(0x10000);
  for (let c = 0x61; c <= 0x7a; c++) runKey[c] = c;
  runKey[SMALL_TSU] = SMALL_TSU;
  runKey[0x30c3] = SMALL_TSU;
  const stretchKey = new Uint16Array(runKey);
  // The units that may fold to something else, folded all at once: NUL between them keeps
  // NFKC from composing across (it is a starter that composes with nothing).
  const mayFold = new Uint8Array(0x10000);
  for (const set of MAY_FOLD) mark(mayFold, new RegExp(`[${set}]+`, 'gu'), 1);
  const may: number[] = [];
  for (let c = 0; c < 0x10000; c++) if (mayFold[c]) may.push(c);
  const joined = utf16(Uint16Array.from(may.flatMap((c) => [c, 0]))).normalize('NFKC');
  const folded = foldParts(joined.toLowerCase());
  const kept = foldParts(joined);
  const keyOf = (ch: string) => (/^[a-z]$/i.test(ch) ? ch.charCodeAt(0) : runKey[ch.charCodeAt(0)] ? SMALL_TSU : 0);
  for (const [i, c] of may.entries()) {
    const f = folded[i] as string;
    const k = kept[i] as string;
    fold[c] = classify(f, expansions);
    // The stretch keys keep the case (where the case-kept fold has as many units).
    const keys = k.length === f.length ? k : f;
    if ((fold[c] as number) >= 0) stretchKey[c] = f.length === 1 ? keyOf(keys) : 0;
    else if ((fold[c] as number) <= MULTI) expansionKeys.push(String.fromCharCode(...[...keys].map(keyOf)));
  }
  mark(cls, /[\p{L}\p{N}]+/gu, ALNUM);
  mark(cls, /\p{Script=Katakana}+/gu, KATA);
  mark(cls, new RegExp(`[${CJK_CHARS}]+`, 'gu'), CJK);
  return { fold, expansions, cls, runKey, stretchKey, expansionKeys };
}

/** The rest of the fold on NFKC'd units joined by NUL: decomposition, dropped characters; one string per unit. */
function foldParts(joined: string): string[] {
  const drop = (f: string) => f.replace(DROPPED, '');
  return drop(joined)
    .replace(/[\u2019\u02bc]/g, "'")
    .split('\0', -1)
    .map((f) => (DECOMPOSE.test(f) ? drop(f.normalize('NFD')) : f));
}

/** UTF-16 code units as a string, in one decoder call. */
function utf16(units: Uint16Array): string {
  const bytes = Buffer.from(units.buffer, units.byteOffset, units.byteLength);
  return new TextDecoder('utf-16le').decode(LITTLE_ENDIAN ? bytes : Buffer.from(bytes).swap16());
}

function classify(f: string, expansions: string[]): number {
  if (f === '') return DROP;
  if (WHITE.test(f)) return SPACE;
  if (f.length === 1) return f.charCodeAt(0);
  expansions.push(f);
  return MULTI - (expansions.length - 1);
}

/** Folds of the astral code points that do not fold to themselves (mathematical letters, tags, ...). */
const astralFolds = new Map<number, string>();

function astralFold(cp: number): string | undefined {
  const hit = astralFolds.get(cp);
  if (hit !== undefined) return hit;
  const ch = String.fromCodePoint(cp);
  if (!MAY_FOLD_ONE.test(ch)) return undefined;
  const f = foldString(ch);
  if (f === ch) return undefined;
  astralFolds.set(cp, f);
  return f;
}

function astralClass(cp: number): number {
  const ch = String.fromCodePoint(cp);
  return (IS_ALNUM.test(ch) ? ALNUM : 0) | (IS_KATA.test(ch) ? KATA : 0) | (IS_CJK.test(ch) ? CJK : 0);
}

/** A folded unit's class: a letter or katakana only if the raw character was one too ("™" folds to "tm"). */
function tokenClass(t: FoldTables, u: number, src: number): number {
  return ((t.cls[u] as number) & src & (ALNUM | KATA)) | ((t.cls[u] as number) & CJK);
}

const isMark = (u: number) => u === VOICED || u === SEMI_VOICED;

/**
 * The class of a voicing mark decomposed from a kana, from the kana's: katakana with katakana
 * ("ブストップ" is one word), never a letter (a Latin word may follow it). A mark written as its
 * own character is a bare combining mark, as the regex path saw it.
 */
const markClass = (before: number) => (before & CJK ? before & (KATA | CJK) : 0);
const pairAt = (h: number, l: number) => (h - 0xd800) * 0x400 + (l - 0xdc00) + 0x10000;
const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

interface Phrase {
  word: string;
  /** Its folded code units. */
  key: number[];
  before: number;
  after: number;
}

/** `forms`: the phrases as L0 compares them (normalised, in both kana scripts). */
export function createStopWordScan(forms: Iterable<string>): StopWordScan {
  const t = foldTables();
  const { fold, cls, runKey, expansions } = t;

  // The trie of the folded phrases, then the Aho-Corasick failure links and outputs.
  const edges = new Map<number, number>();
  const rootNext = new Int32Array(0x10000);
  const outputs: number[][] = [[]];
  const phrases: Phrase[] = [];
  for (const word of new Set(forms)) {
    const key = foldUnits(t, word);
    if (!key.length) continue;
    const latin = /^[a-z0-9]/i.test(word);
    const before = latin ? LATIN : NONE;
    const after = before;
    let s = 0;
    for (const u of key) {
      let next = edges.get(s * 0x10000 + u);
      if (next === undefined) {
        next = outputs.length;
        outputs.push([]);
        edges.set(s * 0x10000 + u, next);
        if (s === 0) rootNext[u] = next;
      }
      s = next;
    }
    (outputs[s] as number[]).push(phrases.length);
    phrases.push({ word, key, before, after });
  }
  const fail = new Int32Array(outputs.length);
  const children: number[][] = outputs.map(() => []);
  for (const k of edges.keys()) (children[Math.floor(k / 0x10000)] as number[]).push(k % 0x10000);
  const queue = [0];
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q] as number;
    for (const u of children[s] as number[]) {
      const c = edges.get(s * 0x10000 + u) as number;
      if (s !== 0) {
        let f = fail[s] as number;
        while (f !== 0 && !edges.has(f * 0x10000 + u)) f = fail[f] as number;
        fail[c] = edges.get(f * 0x10000 + u) ?? 0;
        (outputs[c] as number[]).push(...(outputs[fail[c] as number] as number[]));
      }
      queue.push(c);
    }
  }
  const hasOutput = Uint8Array.from(outputs, (o) => (o.length ? 1 : 0));
  const step = edgeTable(edges);
  const next = (s: number, u: number) => (s === 0 ? (rootNext[u] as number) : step(s, u));

  /** Can a phrase begin in this folded text (at any of its units) and not break off inside it? */
  const beginsIn = (units: string) => {
    for (let k = 0; k < units.length; k++) {
      let s = 0;
      let j = k;
      while (j < units.length && (s = next(s, units.charCodeAt(j))) !== 0 && !hasOutput[s]) j++;
      if (s !== 0) return true;
    }
    return false;
  };
  const latinFirst = new Uint8Array(0x10000);
  const otherFirst = new Uint8Array(0x10000);
  for (const p of phrases) (p.before === LATIN ? latinFirst : otherFirst)[p.key[0] as number] = 1;
  const start = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    const k = fold[c] as number;
    if (c < 0x80 && (cls[c] as number) & ALNUM) start[c] = ASCII_WORD;
    if (k === PAIR) start[c] = UNRESOLVED;
    else if (k >= 0 && rootNext[k]) start[c] = (start[c] as number) | (latinFirst[k] && !otherFirst[k] ? CAN_START | LATIN_START : CAN_START);
    else if (k <= MULTI && beginsIn(expansions[MULTI - k] as string)) start[c] = CAN_START;
  }
  // The first two, three and four folded units of every phrase, hashed into a bit set, and the
  // phrases of two or three units: most candidates fail at the second unit, and in Latin text
  // many of the rest at the third or fourth ("about" is not "abort").
  const prefixes = new Uint8Array(PREFIX_BITS >>> 3);
  const wholes = new Uint8Array(WHOLE_BITS >>> 3);
  const oneUnit = new Uint8Array(0x10000);
  for (const p of phrases) {
    const key = p.key;
    if (key.length === 1) oneUnit[key[0] as number] = 1;
    let h = Math.imul(key[0] as number, HASH_FIRST);
    for (let k = 1; k < Math.min(key.length, PREFIX_UNITS); k++) {
      h = Math.imul(h ^ (key[k] as number), HASH_NEXT);
      setBit(prefixes, h >>> PREFIX_SHIFT);
      if (k === key.length - 1) setBit(wholes, h >>> WHOLE_SHIFT);
    }
  }
  const tables: SkipTables = { start, fold, cls, runKey, prefixes, wholes, oneUnit };

  /** The first time a high surrogate is met: can a phrase begin in any code point of its block? */
  function resolve(high: number): void {
    let can = rootNext[high] !== 0;
    for (let low = 0xdc00; !can && low <= 0xdfff; low++) {
      const f = astralFold(pairAt(high, low));
      can = f !== undefined && beginsIn(f);
    }
    start[high] = can ? CAN_START : 0;
  }

  let longest = 0;
  for (const p of phrases) longest = Math.max(longest, p.key.length);
  let ringSize = 4;
  while (ringSize < longest + 3) ringSize *= 2;
  const mask = ringSize - 1;
  // The last folded units of a session (the matched phrase and the two units before it).
  const ringUnit = new Int32Array(ringSize);
  const ringStart = new Int32Array(ringSize);
  const ringEnd = new Int32Array(ringSize);
  const ringClass = new Uint8Array(ringSize);
  let count = 0;
  let state = 0;
  let hit = -1;
  /** Phrases whose end waits for the next folded unit (the raw character after them did not settle it). */
  const waiting: number[] = [];
  let text = '';
  let n = 0;
  const session = new Fold(t, token);

  /** The automaton's step on one folded unit; `rawStart`/`rawEnd`: its raw span, -1 inside an expansion. */
  function token(u: number, rawStart: number, rawEnd: number, c: number): void {
    const at = count++ & mask;
    ringUnit[at] = u;
    ringStart[at] = rawStart;
    ringEnd[at] = rawEnd;
    ringClass[at] = c;
    if (waiting.length) {
      for (const p of waiting) {
        if (!blocksAfter(c)) {
          hit = p;
          return;
        }
      }
      waiting.length = 0;
    }
    let s = state;
    for (;;) {
      const to = next(s, u);
      if (to !== 0) {
        s = to;
        break;
      }
      if (s === 0) break;
      s = fail[s] as number;
    }
    state = s;
    if (hasOutput[s]) for (const p of outputs[s] as number[]) if (confirm(p)) return;
  }

  function confirm(p: number): boolean {
    const ph = phrases[p] as Phrase;
    const last = count - 1;
    const first = last - ph.key.length + 1;
    if (ph.before !== NONE) {
      const rs = ringStart[first & mask] as number;
      if (!(rs >= 0 && rawBeforeOk(rs)) && blocksBefore(first)) return false;
    }
    const re = ringEnd[last & mask] as number;
    if (ph.after === NONE || (re >= 0 && rawAfterOk(re))) {
      hit = p;
      return true;
    }
    waiting.push(p);
    return false;
  }

  function blocksBefore(first: number): boolean {
    const c1 = ringClass[(first - 1) & mask] as number;
    return (c1 & ALNUM) !== 0 || (ringUnit[(first - 1) & mask] === HYPHEN && ((ringClass[(first - 2) & mask] as number) & ALNUM) !== 0);
  }

  function blocksAfter(c: number): boolean {
    return (c & ALNUM) !== 0;
  }

  function rawClassAt(j: number): number {
    if (j < 0 || j >= n) return 0;
    const c = text.charCodeAt(j);
    if (isHigh(c)) {
      const d = text.charCodeAt(j + 1);
      return isLow(d) ? astralClass(pairAt(c, d)) : 0;
    }
    if (isLow(c)) {
      const h = j > 0 ? text.charCodeAt(j - 1) : 0;
      return isHigh(h) ? astralClass(pairAt(h, c)) : 0;
    }
    return cls[c] as number;
  }

  function rawBeforeOk(at: number): boolean {
    const c1 = rawClassAt(at - 1);
    return (c1 & ALNUM) === 0 && !(text.charCodeAt(at - 1) === HYPHEN && (rawClassAt(at - 2) & ALNUM) !== 0);
  }

  function rawAfterOk(at: number): boolean {
    return (rawClassAt(at) & ALNUM) === 0;
  }

  /** The index of the last raw character at or before `j` that is not dropped (a pair: its high surrogate), or -1. */
  function solidBefore(j: number): number {
    for (let i = j; i >= 0; i--) {
      const c = text.charCodeAt(i);
      if (isLow(c) && i > 0 && isHigh(text.charCodeAt(i - 1))) {
        if (astralFold(pairAt(text.charCodeAt(i - 1), c)) !== '') return i - 1;
        i--;
      } else if (fold[c] !== DROP) return i;
    }
    return -1;
  }

  /**
   * The two folded units before a session's first one, into the ring: only their classes and
   * whether the nearer is '-' matter (the boundary rules).
   */
  function context(from: number): void {
    let j = solidBefore(from - 1);
    if (j >= 0 && fold[text.charCodeAt(j)] === SPACE) {
      // Spaces vanish between two CJK characters: then the character before them is the neighbour.
      let k = j;
      while (k >= 0 && fold[text.charCodeAt(k)] === SPACE) k = solidBefore(k - 1);
      if (k >= 0 && firstUnitIsCjk(from) && (lastUnit(k)[1] & CJK) !== 0) j = k;
    }
    const [u1, c1, inU, inC] = lastUnit(j);
    let u2 = 0;
    let c2 = 0;
    if (u1 === HYPHEN) [u2, c2] = inU >= 0 ? [inU, inC] : lastUnit(solidBefore(j - 1));
    count = 0;
    remember(u2, c2);
    remember(u1, c1);
  }

  function remember(u: number, c: number): void {
    const at = count++ & mask;
    ringUnit[at] = u;
    ringStart[at] = -1;
    ringEnd[at] = -1;
    ringClass[at] = c;
  }

  function firstUnitIsCjk(j: number): boolean {
    const k = fold[text.charCodeAt(j)] as number;
    if (k >= 0) return ((cls[k] as number) & CJK) !== 0;
    if (k <= MULTI) return ((cls[(expansions[MULTI - k] as string).charCodeAt(0)] as number) & CJK) !== 0;
    return (rawClassAt(j) & CJK) !== 0;
  }

  /**
   * The last folded unit of the raw character at `j` with its class, and the unit before it with
   * its class when both come from one expansion (else -1): [unit, class, unit before, class].
   * A voicing mark decomposed from a kana has the kana's class (markClass).
   */
  function lastUnit(j: number): [number, number, number, number] {
    if (j < 0) return [0, 0, -1, 0];
    const c = text.charCodeAt(j);
    const k = fold[c] as number;
    if (k === SPACE) return [SP, 0, -1, 0];
    if (k >= 0) return [k, tokenClass(t, k, cls[c] as number), -1, 0];
    if (k === PAIR) {
      const d = text.charCodeAt(j + 1);
      if (!isLow(d)) return [c, 0, -1, 0];
      const f = astralFold(pairAt(c, d));
      return f === undefined ? [d, astralClass(pairAt(c, d)), -1, 0] : expansionEnd(f, astralClass(pairAt(c, d)));
    }
    return expansionEnd(expansions[MULTI - k] as string, cls[c] as number);
  }

  function expansionEnd(f: string, src: number): [number, number, number, number] {
    const unit = (u: number): [number, number] => (fold[u] === SPACE ? [SP, 0] : [u, tokenClass(t, u, src)]);
    const [u, c] = unit(f.charCodeAt(f.length - 1));
    const [pu, pc] = f.length > 1 ? unit(f.charCodeAt(f.length - 2)) : [-1, 0];
    return [u, isMark(u) ? markClass(pc) : c, pu, pc];
  }

  /**
   * The cheap try at a candidate (index `i` of the chunk `u`, `loaded` units valid): walk the
   * trie over plain folded units. True when no phrase can start here; false when the walk meets
   * what the full fold must decide (a dropped character, a space after CJK, a possible stretch,
   * the end of a phrase, the end of the chunk).
   */
  function noPhraseAt(u: Uint16Array, i: number, loaded: number): boolean {
    let s = 0;
    let prev = -1;
    for (let j = i; j < loaded; j++) {
      const k = fold[u[j] as number] as number;
      if (k >= 0) {
        if (runKey[k] !== 0 && runKey[k] === runKey[prev]) return false;
        s = next(s, k);
        if (s === 0) return true;
        if (hasOutput[s]) return false;
        prev = k;
      } else if (k === SPACE) {
        if (((cls[prev] as number) & CJK) !== 0) return false;
        if (prev === SP) continue;
        s = next(s, SP);
        if (s === 0) return true;
        if (hasOutput[s]) return false;
        prev = SP;
      } else if (k <= MULTI && j > i) {
        const f = expansions[MULTI - k] as string;
        for (let x = 0; x < f.length; x++) {
          const v = f.charCodeAt(x);
          if (fold[v] === SPACE || (runKey[v] !== 0 && runKey[v] === runKey[prev])) return false;
          s = next(s, v);
          if (s === 0) return true;
          if (hasOutput[s]) return false;
          prev = v;
        }
      } else return false;
    }
    // The chunk (or the text) ends inside a prefix: the full fold reads on.
    return false;
  }

  /** The full fold from candidate `i0` until the automaton is back at its root: a phrase index, or ~(where to go on). */
  function run(i0: number): number {
    state = 0;
    hit = -1;
    waiting.length = 0;
    context(i0);
    session.reset(text);
    for (let i = i0; i < n; ) {
      const at = i;
      i = session.feed(i);
      if (hit >= 0) return hit;
      if (state === 0 && waiting.length === 0) {
        // What the fold still holds back (a possible stretch, a space) must all come from the
        // character just read: the cheap loop reads that one again.
        const held = session.heldSince();
        if (held === NOTHING_HELD) return ~i;
        if (held === at && at > i0) return ~at;
      }
    }
    session.flush();
    if (hit >= 0) return hit;
    return waiting.length ? (waiting[0] as number) : ~n;
  }

  // The hot loop reads the text through a typed array, a chunk at a time: several times faster
  // than charCodeAt on a concatenated string. One unit of overlap shows the next chunk's first.
  const buffer = Buffer.alloc((CHUNK + 1) * 2);
  const chunk = new Uint16Array(buffer.buffer, buffer.byteOffset, CHUNK + 1);

  const scan: StopWordScan = {
    warmUp: () => warmUp(scan, phrases),
    find(raw) {
      text = raw;
      n = raw.length;
      try {
        let from = 0;
        let loaded = 0;
        for (let i = 0; i < n; ) {
          if (i >= from + Math.min(CHUNK, loaded)) {
            from = i;
            loaded = Math.min(CHUNK + 1, n - i);
            buffer.write(loaded === n ? raw : raw.slice(i, i + loaded), 0, loaded * 2, 'utf16le');
            if (!LITTLE_ENDIAN) buffer.subarray(0, loaded * 2).swap16();
          }
          const end = Math.min(CHUNK, loaded);
          const before = i > 0 ? (start[raw.charCodeAt(i - 1)] as number) & ASCII_WORD : 0;
          const j = skip(chunk, i - from, end, loaded, before, tables);
          i = from + j;
          if (j === end) continue;
          if (start[chunk[j] as number] === UNRESOLVED) {
            resolve(chunk[j] as number);
            continue;
          }
          if (noPhraseAt(chunk, j, loaded)) {
            i++;
            continue;
          }
          const r = run(i);
          if (r >= 0) return (phrases[r] as Phrase).word;
          i = ~r;
        }
        return undefined;
      } finally {
        text = '';
      }
    },
  };
  return scan;
}

/** Rounds of the warm-up; each reads WARM_UNITS code units. */
const WARM_ROUNDS = 3;
const WARM_UNITS = 1 << 16;
const WARM_GAP = 64;
/** The compiled code is shared by every scan of the process: one warm-up is enough. */
let warmed = false;

/**
 * Runs the scan over text made of the phrases' near misses (each cut short, then with an
 * invisible character, a stretch, a space or its fullwidth form inside) until the JIT has
 * compiled its loops: otherwise the first long utterance after start-up is read by the
 * interpreter, several times slower (the scan's own loop turns over once per candidate, too
 * rarely for the JIT to pick it early), and on a busy machine the optimising compiler's thread
 * may not get its turn before the text is read. Once per process: the compiled code is shared.
 */
function warmUp(scan: StopWordScan, phrases: Phrase[]): void {
  if (warmed) return;
  warmed = true;
  const pieces: string[] = [];
  for (const { word } of phrases) {
    const cut = word.slice(0, -1);
    const mid = Math.max(1, cut.length >> 1);
    // Said twice in a row too: the second time right after a letter, the loop's common path in Latin text.
    for (const v of [cut, cut + cut, `${cut.slice(0, mid)}\u200b${cut.slice(mid)}`, `${cut.slice(0, mid)}${cut.charAt(mid - 1).repeat(3)}${cut.slice(mid)}`, `${cut.slice(0, mid)} ${cut.slice(mid)}`, cut.replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0))]) {
      if (v && scan.find(v) === undefined) pieces.push(v);
    }
  }
  if (!pieces.length) return;
  // Between them a run of a character no phrase begins with: the hot loop's own path, cheap
  // even before it is compiled (the full fold of a candidate costs far more there).
  let plain = 0x4e00;
  while (scan.find(String.fromCharCode(plain).repeat(2)) !== undefined || (foldTables().cls[plain] as number) === 0) plain++;
  let text = pieces.join(String.fromCharCode(plain).repeat(WARM_GAP));
  while (text.length < WARM_UNITS) text += text;
  if (scan.find(text) !== undefined) return;
  for (let r = 0; r < WARM_ROUNDS; r++) scan.find(text);
}

const CHUNK = 1 << 15;
/** The chunk the scan reads the text in (tests put phrases across its edges). */
export const SCAN_CHUNK = CHUNK;
/** How many folded units of a phrase the hot loop compares before the scan takes over. */
const PREFIX_UNITS = 4;
const PREFIX_BITS = 1 << 20;
const PREFIX_SHIFT = 12;
const WHOLE_BITS = 1 << 16;
const WHOLE_SHIFT = 16;
const HASH_FIRST = 0x9e3779b1;
const HASH_NEXT = 0x85ebca6b;
const setBit = (bits: Uint8Array, h: number) => (bits[h >>> 3] = (bits[h >>> 3] as number) | (1 << (h & 7)));

interface SkipTables {
  start: Uint8Array;
  fold: Int32Array;
  cls: Uint8Array;
  runKey: Uint16Array;
  /** A bit per hashed prefix of two, three or four folded units of a phrase. */
  prefixes: Uint8Array;
  /** A bit per hashed phrase of two or three folded units. */
  wholes: Uint8Array;
  /** Folded units that are a phrase on their own. */
  oneUnit: Uint8Array;
}

/**
 * The hot loop over `u[i..end)` (`loaded` units are valid; `word`: the unit before `i` is an
 * ASCII letter or digit): the first index where a phrase may begin, or `end`. Not a Latin phrase
 * right after an ASCII letter or digit ("nonstop", "this"), and not where the next plain code
 * units (up to PREFIX_UNITS) cannot be how a phrase begins ("す。", "about"). A unit that is not
 * plain (dropped, a space after CJK, an expansion, a surrogate), a possible stretch or the end of
 * the chunk hands the candidate to the scan.
 */
function skip(u: Uint16Array, i: number, end: number, loaded: number, word: number, t: SkipTables): number {
  const { start, fold, cls, runKey, prefixes, oneUnit } = t;
  for (; i < end; i++) {
    const c = u[i] as number;
    const f = start[c] as number;
    if ((f & CAN_START) === 0) continue;
    if (f & LATIN_START && (i > 0 ? (start[u[i - 1] as number] as number) & ASCII_WORD : word)) continue;
    const u1 = fold[c] as number;
    if (u1 < 0 || oneUnit[u1] || i + 1 >= loaded) return i;
    const k = fold[u[i + 1] as number] as number;
    const u2 = k >= 0 ? k : k === SPACE && ((cls[u1] as number) & CJK) === 0 ? SP : -1;
    // Unless the second unit is plain and no stretch starts here, the scan decides.
    if (u2 < 0 || (runKey[u1] !== 0 && runKey[u1] === runKey[u2])) return i;
    const h = Math.imul(Math.imul(u1, HASH_FIRST) ^ u2, HASH_NEXT);
    const p = h >>> PREFIX_SHIFT;
    if ((prefixes[p >>> 3] as number) & (1 << (p & 7)) && mayGoOn(u, i, loaded, h, u2, t)) return i;
  }
  return end;
}

/**
 * After a candidate's first two folded units (hashed in `h`, the second `prev`) began a phrase:
 * false when its third or fourth plain unit shows that none begins here. Out of the hot loop,
 * which it would slow down.
 */
function mayGoOn(u: Uint16Array, i: number, loaded: number, h: number, prev: number, t: SkipTables): boolean {
  const { fold, runKey, prefixes, wholes } = t;
  for (let j = i + 2; j - i < PREFIX_UNITS; j++) {
    const w = h >>> WHOLE_SHIFT;
    if (j >= loaded || ((wholes[w >>> 3] as number) & (1 << (w & 7))) !== 0) return true;
    const v = fold[u[j] as number] as number;
    if (v < 0 || (runKey[v] !== 0 && runKey[v] === runKey[prev])) return true;
    h = Math.imul(h ^ v, HASH_NEXT);
    const p = h >>> PREFIX_SHIFT;
    if (((prefixes[p >>> 3] as number) & (1 << (p & 7))) === 0) return false;
    prev = v;
  }
  return true;
}

/** A phrase's folded code units: the fold the scan applies to the text. */
function foldUnits(t: FoldTables, word: string): number[] {
  const units: number[] = [];
  const f = new Fold(t, (u) => units.push(u));
  f.reset(word);
  for (let i = 0; i < word.length; ) i = f.feed(i);
  f.flush();
  return units;
}

/**
 * The trie's edges as an open-addressing table: the scan's hot step (a Map lookup costs several
 * times more). Returns the next state, 0 for none (the root is nobody's child).
 */
function edgeTable(edges: Map<number, number>): (state: number, unit: number) => number {
  let size = 16;
  while (size < edges.size * 3) size *= 2;
  const mask = size - 1;
  const keyState = new Int32Array(size).fill(-1);
  const keyUnit = new Uint16Array(size);
  const value = new Int32Array(size);
  const slot = (s: number, u: number) => (Math.imul(s, 0x9e3779b1) ^ Math.imul(u, 0x85ebca6b)) >>> 0;
  for (const [k, v] of edges) {
    const s = Math.floor(k / 0x10000);
    const u = k % 0x10000;
    let i = slot(s, u) & mask;
    while (keyState[i] !== -1) i = (i + 1) & mask;
    keyState[i] = s;
    keyUnit[i] = u;
    value[i] = v;
  }
  return (s, u) => {
    for (let i = slot(s, u) & mask; ; i = (i + 1) & mask) {
      const k = keyState[i] as number;
      if (k === s && keyUnit[i] === u) return value[i] as number;
      if (k === -1) return 0;
    }
  };
}

type Sink = (u: number, rawStart: number, rawEnd: number, cls: number) => void;

/**
 * The fold as a stream: raw code units in, folded units out to `sink`, holding back what needs a
 * look ahead (a space until the next unit shows whether it sits between CJK characters, a letter
 * until its run ends). Each folded unit carries its raw span (-1 where it starts or ends inside an
 * expansion) and its class.
 */
class Fold {
  private s = '';
  private space = false;
  private spS = 0;
  private spE = 0;
  private lastCjk = false;
  private run = 0;
  private rKey = 0;
  private rU = 0;
  private rS = 0;
  private rE1 = 0;
  private rE = 0;
  private rC = 0;
  private r2U = 0;
  private r2S = 0;
  private r2E = 0;
  private r2C = 0;

  constructor(
    private readonly t: FoldTables,
    private readonly sink: Sink,
  ) {}

  reset(s: string): void {
    this.s = s;
    this.space = false;
    this.lastCjk = false;
    this.run = 0;
  }

  /** The raw index where the earliest held-back unit starts; NOTHING_HELD, or -1 inside an expansion. */
  heldSince(): number {
    if (this.run) return this.rS;
    if (this.space) return this.spS;
    return NOTHING_HELD;
  }

  /** Folds the raw character at `i` (a code unit, or a surrogate pair); returns the index after it. */
  feed(i: number): number {
    const t = this.t;
    const c = this.s.charCodeAt(i);
    const k = t.fold[c] as number;
    if (k >= 0) {
      this.spaces(k, i, i + 1, tokenClass(t, k, t.cls[c] as number), t.stretchKey[c] as number);
      return i + 1;
    }
    if (k === DROP) return i + 1;
    if (k === SPACE) {
      this.spaces(SP, i, i + 1, 0, 0);
      return i + 1;
    }
    if (k === PAIR) {
      const d = this.s.charCodeAt(i + 1);
      if (!isLow(d)) {
        this.spaces(c, i, i + 1, 0, 0);
        return i + 1;
      }
      const cp = pairAt(c, d);
      const f = astralFold(cp);
      const ac = astralClass(cp);
      if (f === undefined) {
        this.spaces(c, i, -1, ac, 0);
        this.spaces(d, -1, i + 2, ac, 0);
      } else this.expansion(f, undefined, i, i + 2, ac);
      return i + 2;
    }
    this.expansion(t.expansions[MULTI - k] as string, t.expansionKeys[MULTI - k], i, i + 1, t.cls[c] as number);
    return i + 1;
  }

  private expansion(f: string, keys: string | undefined, start: number, end: number, src: number): void {
    let c = 0;
    for (let j = 0; j < f.length; j++) {
      const u = f.charCodeAt(j);
      const s = j === 0 ? start : -1;
      const e = j === f.length - 1 ? end : -1;
      if (this.t.fold[u] === SPACE) {
        c = 0;
        this.spaces(SP, s, e, 0, 0);
        continue;
      }
      // A voicing mark decomposed from a kana belongs to it (ブ is katakana).
      c = isMark(u) ? markClass(c) : tokenClass(this.t, u, src);
      this.spaces(u, s, e, c, keys ? keys.charCodeAt(j) : (this.t.runKey[u] as number));
    }
  }

  /** A run of whitespace is one space, and none between two CJK characters. */
  private spaces(u: number, s: number, e: number, c: number, key: number): void {
    if (u === SP) {
      if (!this.space) {
        this.space = true;
        this.spS = s;
      }
      this.spE = e;
      return;
    }
    if (this.space) {
      this.space = false;
      if (!(this.lastCjk && c & CJK)) this.runs(SP, this.spS, this.spE, 0, 0);
    }
    this.lastCjk = (c & CJK) !== 0;
    this.runs(u, s, e, c, key);
  }

  /** Stretches: a Latin letter three times or more is one, a doubled small tsu one (`key`: which run a unit continues). */
  private runs(u: number, s: number, e: number, c: number, key: number): void {
    if (this.run) {
      if (key !== 0 && key === this.rKey) {
        this.run++;
        this.rE = e;
        if (this.run === 2) {
          this.r2U = u;
          this.r2S = s;
          this.r2E = e;
          this.r2C = c;
        }
        return;
      }
      this.endRun();
    }
    if (key !== 0) {
      this.run = 1;
      this.rKey = key;
      this.rU = u;
      this.rS = s;
      this.rE1 = e;
      this.rE = e;
      this.rC = c;
      return;
    }
    this.sink(u, s, e, c);
  }

  private endRun(): void {
    const n = this.run;
    this.run = 0;
    if (n >= (this.rKey === SMALL_TSU ? 2 : 3)) this.sink(this.rU, this.rS, this.rE, this.rC);
    else {
      this.sink(this.rU, this.rS, this.rE1, this.rC);
      if (n === 2) this.sink(this.r2U, this.r2S, this.r2E, this.r2C);
    }
  }

  /** The end of the text: whatever is held back goes out. */
  flush(): void {
    if (this.space) {
      this.space = false;
      this.runs(SP, this.spS, this.spE, 0, 0);
    }
    if (this.run) this.endRun();
  }
}
