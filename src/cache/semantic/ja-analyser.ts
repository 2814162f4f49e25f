import { unstretchJa } from '../../reflex/ja-grammar';
import { createKanaTable, katakanaToHiragana } from './kana';
import { parseVerbChunk } from './ja-verb';
import { digitiseCounted } from './quantities';
import { stripAffixes } from './strip-affixes';
import type { LanguageAnalyser, SkeletonToken } from './types';

/**
 * The default (light, rule-based) Japanese analyser: no dictionary, a few kilobytes.
 * strip(): kana spellings of common command verbs to their kanji, fillers, politeness and
 * sentence-final particles (ください, なさい, てくれる, お願いします, ね, よ...), the light verb
 * する after a noun (ダンスして -> ダンス) and the honorific お/ご (お座り -> 座り).
 * skeleton(): chunks by script; kanji + hiragana tails go through the verb lemmatiser.
 */

/** Kana spellings of frequent command words -> kanji, only at a word start and before a fitting kana. */
const READINGS: Array<[string, string, string]> = [
  ['すわ', '座', '[らりるれろっ]'],
  ['おど', '踊', '[らりるれろっ]'],
  ['はし', '走', '[らりるれろっ]'],
  ['すす', '進', '[まみむめもん]'],
  ['まが', '曲が', '[らりるれろっ]'],
  ['まわ', '回', '[らりるれろっ]'],
  ['もど', '戻', '[らりるれろっ]'],
  ['とま', '止ま', '[らりるれろっ]'],
  ['やす', '休', '[まみむめもん]'],
  ['ふせ', '伏せ', '[てるろよまなた]|$'],
  ['おき', '起き', '[てるろよまなた]'],
  ['あが', '上が', '[らりるれろっ]'],
  ['さが', '下が', '[らりるれろっ]'],
  ['まっ', '待っ', 'て'],
  ['たっ', '立っ', 'て'],
  ['ふっ', '振っ', 'て'],
  ['とん', '跳ん', 'で'],
  ['むい', '向い', 'て'],
  ['みぎ', '右', ''],
  ['ひだり', '左', ''],
  ['うしろ', '後ろ', ''],
  ['おて', 'お手', '$|[をしね]'],
];
/**
 * 早く and 速く are one adverb before a verb or at the end ("もっと早く" = "もっと速く", "早く走って");
 * not in front of an ending, where they are two adjectives (早くない: not early, 速くない: not fast).
 */
const QUICKLY = /(?:早|はや)く(?=$|[\p{Script=Han}\p{Script=Katakana}])/gu;
/**
 * A copula asking for agreement ("お座りだよね？", "ジャンプだね", "伏せでしょ"): kept as a mark, so the
 * stripped よ/ね do not turn it into the command "お座りだよ".
 */
const CONFIRMING = /(?:だよね|だね|でしょう?|だろう?)$/u;
const CONFIRM_MARK = ' 確認';
/** The object particle between two kanji words, often not said: 手を振って = 手振って, 力を抜いて = 力抜いて. */
const OBJECT_WO = /(?<=\p{Script=Han})を(?=\p{Script=Han})/gu;
/** A word starts at the text start, after a non-hiragana character, or after a particle. */
const WORD_START = '(^|[^\\p{Script=Hiragana}]|[をにへとはがおご])';

const LEADING = ['すみません', 'すいません', 'あのう', 'あのー', 'あの', 'えっと', 'えーと', 'ほら', 'さあ', 'じゃあ', 'よし', 'ねえ', 'ねぇ'];
/**
 * Removed from the end, repeatedly, longest first. The て of a te-form stays (座ってくれる -> 座って);
 * なさい stays for the lemmatiser (寝なさい = 寝て: the stem alone would not parse as a verb).
 */
const TRAILING = [
  'くださいませんか', 'くださいますか', 'くださいな', 'ください', '下さい', 'ちょうだい',
  'くれませんか', 'くれないか', 'くれない', 'くれますか', 'くれます', 'くれる', 'くれ',
  'もらえませんか', 'もらえないか', 'もらえない', 'もらえますか', 'もらえる', 'もらいたい',
  'いただけませんか', 'いただけますか', 'いただけない', 'いただける', 'いただきたい',
  'ほしいです', 'ほしいな', 'ほしい', '欲しいです', '欲しいな', '欲しい',
  'お願いいたします', 'お願いできますか', 'お願いします', 'お願い', 'おねがいします', 'おねがい', '頼みます', '頼む', 'たのむ',
  'でしょうか', 'ですか', 'ですね', 'ですよ', 'です',
  'かしら', 'かな', 'よね', 'ねえ', 'ね', 'よ', 'ぞ', 'ぜ', 'わ', 'を', 'は', 'が',
].sort((a, b) => b.length - a.length);
/** The question particle か after a predicate (元気ですか, 行くか), not after a noun (誰か). */
const QUESTION_KA = /(?<=[ますたいる])か$/u;
/**
 * The light verb する after a noun (ダンスして, 前進して) or an honorific noun (お座りしなさい).
 * One kanji + して is a godan verb (出して, 話して), not a noun + する, so it stays.
 */
const SURU = /(?:(?<=[\p{Script=Katakana}ーa-z0-9]|\p{Script=Han}{2})|(?<=^[おご]\p{Script=Han}+[ぁ-ゖ]?))(しなさい|しましょう|しよう|します|して|する|しろ|し)$/u;
const HONORIFIC = /(^|[^\p{Script=Hiragana}]|[をにへとはがも])[おご](?=\p{Script=Han})/gu;
const CHUNK = /(\p{Script=Han}+)(\p{Script=Hiragana}*)|([\p{Script=Katakana}ー]+)|(\p{Script=Hiragana}+)|([^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]+)/gu;
const DROPPED = new Set(['を', 'は', 'が', 'ね', 'よ', 'も']);

/** The endings only Japanese has, removed in the same passes as the affixes: question か, light verb する. */
function stripQuestionAndSuru(text: string): string {
  let s = text;
  if (QUESTION_KA.test(s) && s.length > 1) s = s.slice(0, -1);
  const suru = SURU.exec(s);
  if (suru && suru.index > 0) s = s.slice(0, suru.index);
  return s;
}

export function createLightJapaneseAnalyser(): LanguageAnalyser {
  const kana = createKanaTable();
  const readings = READINGS.map(([kanaForm, kanji, next]) => ({
    re: new RegExp(`${WORD_START}${kanaForm}(?=${next || '$|[^ぁ-ゖ]|[をにへとはがもの]'})`, 'gu'),
    kanji,
  }));

  function strip(normalised: string): string {
    let s = digitiseCounted(unstretchJa(normalised).replace(/\s+/g, '')).replace(QUICKLY, '速く').replace(OBJECT_WO, '').replace(CONFIRMING, CONFIRM_MARK);
    for (const r of readings) s = s.replace(r.re, (_m, pre: string) => pre + r.kanji);
    return stripAffixes(s, LEADING, TRAILING, stripQuestionAndSuru).replace(HONORIFIC, '$1');
  }

  function skeleton(stripped: string): SkeletonToken[] {
    const out: SkeletonToken[] = [];
    for (const m of stripped.matchAll(CHUNK)) {
      const [, root, tail, kata, hira, other] = m;
      if (root !== undefined) {
        const verb = parseVerbChunk(root, tail ?? '', kana);
        if (verb) out.push(verb);
        else pushLiteral(out, root, tail ?? '');
      } else if (kata !== undefined) out.push({ kind: 'lit', text: katakanaToHiragana(kata) });
      else if (hira !== undefined) {
        if (!DROPPED.has(hira)) out.push({ kind: 'lit', text: hira });
      } else if (other !== undefined) out.push({ kind: 'lit', text: other });
    }
    return out;
  }

  return { strip, skeleton };
}

/** Noun + particle: drop the particles that do not change the request (猫は -> 猫). */
function pushLiteral(out: SkeletonToken[], root: string, tail: string): void {
  out.push({ kind: 'lit', text: root });
  if (tail && !DROPPED.has(tail)) out.push({ kind: 'lit', text: tail });
}
