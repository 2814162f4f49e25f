import type { Analysed, Language } from './types';
import { isAlsoJapanese, toSimplified } from './chinese-script';
import { expandContractions, leadWords, stripDisfluency, stripTrailingWakeWord, stripWakeWord } from './disfluency';
import { boundText, normaliseText } from './normalise';
import type { Phrasebook } from './phrasebook';

const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;
const HANGUL = /\p{Script=Hangul}/u;
/**
 * Simplified-Chinese-only characters (their Japanese forms differ: 进/進, 转/転, 后/後,
 * 动/動, 说/説, 们, 这, 吗...) that are common in commands and chat; any one marks zh.
 * Characters Japanese writes the same way (点, 着, 伸, 舞, 脚) are deliberately absent.
 */
const ZH_ONLY =
  /[们这个么吗呢吧啊呀嘛说请转进过还让给对时间门动东车话问样边坐站趴别没为谁从开关长见现发头听买卖爱经觉应该钟读写认识语红颜儿视图网电脑够铁饭馆岁两欢跃扑卧挥]/u;
/**
 * Japanese shinjitai and kokuji that simplified Chinese writes differently (or not at all):
 * 歩/步, 転/转, 気/气, 円/圆, 々, 込, 働, 畑...; any one marks ja.
 */
const JA_ONLY = /[々〆込辺働畑峠匂枠丼歩転気円売読続駅絵楽様変図黒関験戦払拡営単隣鉄広黙釈訳恵拝沢渋焼県]/u;

/**
 * Traditional forms that simplified Chinese does not use but Japanese does (進/进, 後/后,
 * 動/动, 話/话, 聞/闻): kanji-only text with one of them is most likely Japanese, though
 * still uncertain (Traditional Chinese writes them too).
 */
const JA_LEAN = /[進後動話聞見書東車門間開閉長馬鳥魚紙線級練習題頭顔願響飛]/u;

export function detectLanguage(text: string, hint: string = ''): { language: Language; certain: boolean } {
  if (hint === 'ja' || hint === 'zh' || hint === 'en') return { language: hint, certain: true };
  if (KANA.test(text) || JA_ONLY.test(text)) return { language: 'ja', certain: true };
  if (HAN.test(text)) {
    if (ZH_ONLY.test(text)) return { language: 'zh', certain: true };
    if (JA_LEAN.test(text)) return { language: 'ja', certain: false };
    // Kanji only with no telling character: 停止, 起立, 前進 read the same in both.
    // Best guess zh (a Japanese speaker rarely says bare kanji), flagged as uncertain.
    return { language: 'zh', certain: false };
  }
  if (HANGUL.test(text)) return { language: '', certain: false };
  if (LATIN.test(text)) return { language: 'en', certain: true };
  return { language: '', certain: false };
}

/**
 * Chinese text, for the script converter: Han characters, no kana, no Japanese-only kanji, and
 * not said to be Japanese. Japanese shares kanji and must never be converted (動かないで).
 */
export function isChineseText(text: string, hint: string): boolean {
  return hint !== 'ja' && hint !== 'en' && HAN.test(text) && !KANA.test(text) && !JA_ONLY.test(text);
}

/**
 * The front end every stage uses: bound, normalise, one script for Chinese (traditional ->
 * simplified), strip a wake word, fillers and a repeated command, detect.
 */
export function analyse(text: string, hint = '', maxChars = 2000, phrases?: Phrasebook): Analysed {
  const raw = boundText(text, maxChars).text;
  let full = normaliseText(raw);
  let traditional = false;
  let simplifiedReading: string | undefined;
  if (isChineseText(full, hint)) {
    const simplified = toSimplified(full);
    if (simplified !== full) {
      traditional = true;
      // Said to be Chinese, or holding a form Japanese does not write (來, 轉): one script. Else keep both readings.
      if (hint === 'zh' || !isAlsoJapanese(full)) full = simplified;
      else simplifiedReading = simplified;
    }
  }
  const lead = leadWords(phrases);
  // Most utterances have no wake word and nothing to strip: the same text comes back to be
  // stripped again, and gets the answer it got.
  let lastIn: string | undefined;
  let lastOut = '';
  const strip = (s: string): string => {
    if (s !== lastIn) {
      lastIn = s;
      lastOut = stripDisfluency(s, lead);
    }
    return lastOut;
  };
  const front = stripWakeWord(strip(expandContractions(full, lead.rewrite)), lead.wake);
  const back = stripTrailingWakeWord(strip(front.rest), lead.wake);
  const wake = front.wake || back.wake;
  const cleaned = strip(back.rest);
  // Detect on the text without the wake word: "hey claudia 坐下" is Chinese.
  const { language, certain } = detectLanguage(cleaned || raw, hint);
  const out: Analysed = { raw, normalised: cleaned, language, languageCertain: certain };
  if (wake) out.wake = wake;
  if (traditional) out.script = 'traditional';
  if (simplifiedReading) out.simplified = strip(stripWakeWord(strip(simplifiedReading), lead.wake).rest);
  return out;
}
