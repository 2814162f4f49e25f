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

export function createChineseAnalyser(): LanguageAnalyser {
  function strip(normalised: string): string {
    let s = digitiseCounted(normalised.replace(/\s+/g, '').replace(ERHUA, '').replace(A_BIT, '一点'));
    s = s.replace(ASKING, '$1');
    return stripAffixes(s, LEADING, TRAILING);
  }
  function skeleton(stripped: string): SkeletonToken[] {
    return stripped ? [{ kind: 'lit', text: stripped }] : [];
  }
  return { strip, skeleton };
}
