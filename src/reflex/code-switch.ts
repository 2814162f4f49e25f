import { leadWords, stripWakeWord } from '../lang/disfluency';
import { foldKana, normaliseText } from '../lang/normalise';
import { PHRASE_LANGUAGES, type Phrasebook } from '../lang/phrasebook';
import { CJK_NUMBER, parseNumber } from './intent';

/**
 * Mixed-language utterances, analysed per segment (a segment is a run of one script: Latin,
 * or CJK). Segments that only wrap a command (politeness, fillers, wake words of any language:
 * "please お座り", "给我 dance 一下", "sit して") are dropped; a segment that is only a quantity
 * or a direction ("90度", "one meter", "right") is said again in the command's language; what
 * is left must be one command in one language, whose words decide the reply language. A
 * Japanese or Chinese command cut in two by an English quantity ("右に two meters 進んで") is
 * rejoined. Several segments that each say the same command ("stand up 站起来") are that
 * command, in the first one's language. Anything else is not a short command (undefined: defer).
 */
export type SegmentLanguage = 'ja' | 'zh' | 'en';

export interface Reading {
  text: string;
  language: SegmentLanguage;
}

const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]/u;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
/** Runs of one script; a number goes with the unit that follows it ("90度", "2 meters"). */
const C = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}ー';
const SEGMENT = new RegExp(`(?:\\d+(?:\\.\\d+)?\\s*)?[${C}]+(?:\\d+(?:\\.\\d+)?(?=[${C}]))?[${C}]*|(?:(?!\\d+(?:\\.\\d+)?\\s*[${C}])[^${C}])+`, 'gu');

/** Quantities and directions, said in each language (the grammar's own words for them). */
const UNITS: Array<{ en: RegExp; cjk: RegExp; say: Record<SegmentLanguage, string> }> = [
  { en: /^(meters?|metres?|m)$/, cjk: /^(メートル|米|公尺)$/u, say: { ja: 'メートル', zh: '米', en: 'meters' } },
  { en: /^(centimet(?:er|re)s?|cm)$/, cjk: /^(センチ|センチメートル|厘米|公分)$/u, say: { ja: 'センチ', zh: '厘米', en: 'cm' } },
  { en: /^(degrees?|deg)$/, cjk: /^度$/u, say: { ja: '度', zh: '度', en: 'degrees' } },
  { en: /^(seconds?|secs?|s)$/, cjk: /^(秒|秒間|秒钟)$/u, say: { ja: '秒', zh: '秒', en: 'seconds' } },
  { en: /^steps?$/, cjk: /^(歩|步)$/u, say: { ja: '歩', zh: '步', en: 'steps' } },
];
const DIRECTIONS: Array<{ en: RegExp; say: Record<SegmentLanguage, string> }> = [
  { en: /^(?:to the )?left$/, say: { ja: '左', zh: '左', en: 'left' } },
  { en: /^(?:to the )?right$/, say: { ja: '右', zh: '右', en: 'right' } },
  { en: /^(?:forwards?|ahead)$/, say: { ja: '前', zh: '前', en: 'forward' } },
  { en: /^(?:backwards?|back)$/, say: { ja: '後ろ', zh: '后', en: 'backward' } },
];

export function segmentLanguage(seg: string): SegmentLanguage {
  if (!CJK_CHAR.test(seg)) return 'en';
  return KANA.test(seg) ? 'ja' : 'zh';
}

const HAS_KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const HAS_HAN = /\p{Script=Han}/u;
const HAS_LATIN = /[a-z]/;

/** CJK and Latin words together in normalised text (a number's unit, "2m", "2 meters", does not count). */
export function isMixed(t: string): boolean {
  const cjk = HAS_KANA.test(t) || HAS_HAN.test(t);
  return cjk && HAS_LATIN.test(t.replace(/\d+(\.\d+)?\s*(m|cm|s|met(?:er|re)s?|centimet(?:er|re)s?|steps?|degrees?|seconds?)\b/g, ''));
}

/** The script runs of normalised text ("please", "お座り"); a number goes with the unit that follows it. */
function segments(normalised: string): string[] {
  return (normalised.match(SEGMENT) ?? []).map((s) => s.trim()).filter(Boolean);
}

/**
 * Whether a segment is made only of wrapper words of any language (politeness, fillers, wake
 * words: "please", "して", "给我", "hey claudia"), which carry no command.
 */
export function wrapperTest(book: Phrasebook): (segment: string) => boolean {
  const wrappers = new Set<string>();
  for (const l of PHRASE_LANGUAGES) for (const w of [...book[l].politeness, ...book[l].filler, ...book[l].wake]) wrappers.add(fold(w));
  const longest = Math.max(0, ...[...wrappers].map((w) => w.length));
  return (seg: string) => {
    const f = fold(seg);
    if (wrappers.has(f)) return true;
    // Latin: every word a wrapper ("ok please", "hey claudia").
    if (!CJK_CHAR.test(f)) return f.split(' ').every((w, i, all) => wrappers.has(w) || wrappers.has(all.slice(i).join(' ')));
    // CJK: wrapper words one after another ("给我比个" = 给我 + 比个).
    return concatenated(f.replace(/\s+/g, ''), wrappers, longest);
  };
}

/** Mixed-language text without its wrapper segments ("お座り please" -> "お座り"); unchanged when nothing else is left. */
export function dropWrapperSegments(normalised: string, isWrapper: (segment: string) => boolean): string {
  const kept = segments(normalised).filter((s) => !isWrapper(s));
  return kept.length ? kept.join(' ') : normalised;
}

export function createCodeSwitch(book: Phrasebook): { read(normalised: string, parses: (r: Reading) => string | undefined): Reading | undefined } {
  const isWrapper = wrapperTest(book);
  const wake = leadWords(book).wake;

  return {
    read(normalised, parses) {
      // A segment may start with the name ("ok クラウディアお座り": the front end strips a wake word
      // at the start of the utterance only).
      const segs = segments(normalised).map((s) => stripWakeWord(s, wake).rest);
      if (segs.length < 2) return undefined;
      const kept = segs.filter((s) => !isWrapper(s));
      if (kept.length === 0) return undefined;
      // Quantities and directions join the command segment in its language.
      const commands = kept.filter((s) => !quantityOrDirection(s));
      if (commands.length === 1) {
        const command = commands[0] as string;
        const language = segmentLanguage(command);
        const others = kept.filter((s) => s !== command);
        const extras = others.map((s) => sayIn(s, language));
        if (extras.some((e) => e === undefined)) return undefined;
        const joinWith = language === 'en' ? ' ' : '';
        // A direction goes in front of a Japanese or Chinese verb ("右に曲がって"), a quantity after the command.
        const dirs = extras.filter((_e, i) => DIRECTIONS.some((d) => d.en.test(others[i] as string)));
        const qtys = extras.filter((e) => !dirs.includes(e));
        const text = language === 'en' ? [command, ...dirs, ...qtys].join(joinWith) : [...dirs, command, ...qtys].join(joinWith);
        return { text: normaliseText(text), language };
      }
      // One Japanese or Chinese command cut in two by a quantity said in English ("右に two meters 進んで"): rejoined in order.
      const language = segmentLanguage(commands[0] as string);
      if (language !== 'en' && commands.every((c) => segmentLanguage(c) === language)) {
        const said = kept.map((s) => (commands.includes(s) ? s : sayIn(s, language)));
        const joined = said.every((x) => x !== undefined) ? { text: normaliseText(said.join('')), language } : undefined;
        if (joined && parses(joined)) return joined;
      }
      // Each segment the same command, said twice in two languages; a quantity left over would be lost.
      if (commands.length < kept.length) return undefined;
      let first: Reading | undefined;
      let intent: string | undefined;
      for (const s of commands) {
        const r = { text: s, language: segmentLanguage(s) };
        const got = parses(r);
        if (!got || (intent !== undefined && got !== intent)) return undefined;
        intent = got;
        first ??= r;
      }
      return first;
    },
  };
}

/** Whether `t` is made of words of `words` one after another (segments are short: at most a few dozen characters). */
function concatenated(t: string, words: Set<string>, longest: number): boolean {
  if (t.length > 48) return false;
  // ok[i]: the first i characters are words one after another.
  const ok = [true];
  for (let i = 1; i <= t.length; i++) {
    ok[i] = false;
    for (let j = Math.max(0, i - longest); j < i && !ok[i]; j++) ok[i] = ok[j] === true && words.has(t.slice(j, i));
  }
  return ok[t.length] === true;
}

function fold(s: string): string {
  return foldKana(normaliseText(s));
}

function quantityOrDirection(seg: string): boolean {
  return quantity(seg) !== undefined || DIRECTIONS.some((d) => d.en.test(seg));
}

/** A kanji numeral takes all its characters (九十度 is 九十 + 度, not 九 + 十度). */
const CJK_QUANTITY = new RegExp(`^(${CJK_NUMBER})\\s*([\\p{Script=Han}\\p{Script=Katakana}ー]+)$`, 'u');

function quantity(seg: string): { n: number; unit: (typeof UNITS)[number] } | undefined {
  const m = CJK_QUANTITY.exec(seg.trim()) ?? /^(.+?)\s*([a-z]+|[\p{Script=Han}\p{Script=Katakana}ー]+)$/u.exec(seg.trim());
  if (!m) return undefined;
  const n = parseNumber((m[1] as string).trim());
  const u = (m[2] as string).trim();
  const unit = UNITS.find((x) => x.en.test(u) || x.cjk.test(u));
  return n === undefined || !unit ? undefined : { n, unit };
}

function sayIn(seg: string, language: SegmentLanguage): string | undefined {
  const q = quantity(seg);
  if (q) return language === 'en' ? `${q.n} ${q.unit.say.en}` : `${q.n}${q.unit.say[language]}`;
  const d = DIRECTIONS.find((x) => x.en.test(seg));
  return d ? d.say[language] : undefined;
}
