import { shippedPhrasebook } from '../../lang/phrasebook';
import type { LanguageGrammar } from '../../reflex/intent';
import { ADDRESSEE, SOCIAL, createZhGrammar } from '../../reflex/zh-grammar';
import { digitiseCounted } from './quantities';
import { stripAffixes } from './strip-affixes';
import type { LanguageAnalyser, SkeletonToken } from './types';

/**
 * Chinese: no segmenter is needed for matching. strip() removes polite openers (请, 麻烦你,
 * 能不能...) and sentence-final particles and tags (吧, 啊, 好吗, 可以吗...); the skeleton is the
 * remaining characters as one literal (the index and the score use its character bigrams).
 * Openers containing 不 (能不能, 可不可以) go before the negation guard counts 不.
 */
const LEADING = [
  '请你', '请您', '请', '麻烦你', '麻烦您', '麻烦', '你能不能', '您能不能', '能不能', '你可不可以', '可不可以', '你可以', '您可以', '你能', '您能', '帮忙',
].sort((a, b) => b.length - a.length);
const TRAILING = [
  '好吗', '好不好', '好嘛', '可以吗', '可以不', '行吗', '行不行', '谢谢你', '谢谢', '谢啦', '吧', '啊', '呀', '哦', '嘛', '啦', '哈', '呗',
].sort((a, b) => b.length - a.length);

/** A polite question frame: 你可以…吗 / 能…吗 asks for the action itself (你可以比心吗 = 比心). */
const ASKING = /^(?:你可以|您可以|可以|你能|您能|能)(.+)吗$/u;

/** Northern erhua and the short 快点/慢点: 快点儿 = 快点 = 快一点, 一点儿 = 一点, 一会儿 = 一会. */
const ERHUA = /(?<=[点会])儿/gu;
const A_BIT = /(?<=[快慢])(?:一)?点/gu;
/**
 * A measure word inside a verb-object word: 握个手 = 握一下手 = 握手, 打个招呼 = 打招呼, 跳一个舞 = 跳舞.
 * After the numbers are digitised (一个 -> 1个, 两个 -> 2个): "one" goes with it, any other count stays.
 */
const INNER_MEASURE = /(?<=\p{Script=Han})1?(?:个|下)(?=\p{Script=Han})/gu;

let grammar: LanguageGrammar | undefined;

export function createChineseAnalyser(): LanguageAnalyser {
  function strip(normalised: string): string {
    let s = digitiseCounted(normalised.replace(/\s+/g, '').replace(ERHUA, '').replace(A_BIT, '一点'));
    s = s.replace(ASKING, '$1').replace(INNER_MEASURE, '');
    return withoutAddressee(stripAffixes(s, LEADING, TRAILING));
  }
  /**
   * Whom a greeting, bow, heart, dance or pose is for does not change it (跟大家打招呼 = 打招呼), as
   * in the grammar, which decides what is one; never in front of anything else (跟我走 is follow me).
   */
  function withoutAddressee(s: string): string {
    const to = ADDRESSEE.exec(s);
    if (!to || to[0].length >= s.length) return s;
    const rest = s.slice(to[0].length);
    grammar ??= createZhGrammar(shippedPhrasebook().zh.actions);
    const intent = grammar.parse(rest);
    return intent && SOCIAL.has(intent.action) ? rest : s;
  }
  function skeleton(stripped: string): SkeletonToken[] {
    return stripped ? [{ kind: 'lit', text: stripped }] : [];
  }
  return { strip, skeleton };
}
