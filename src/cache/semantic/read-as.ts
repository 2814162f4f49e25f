import { shippedPhrasebook } from '../../lang/phrasebook';
import type { Analysed } from '../../lang/types';
import { dropWrapperSegments, isMixed, wrapperTest } from '../../reflex/code-switch';
import { foldIntent } from './intent-fold';
import { digitiseEnglish } from './quantities';

/**
 * The utterance as the semantic matcher reads it, before any feature is computed:
 * - kanji-only text the front end could not place (比個心, 前進) is the language whose grammar
 *   alone understands it: 比個心 is only Chinese (its simplified form 比个心 is then the text), while
 *   前進 and 起立, commands in both, stay uncertain and hit only identical text;
 * - in mixed-language text the wrapper segments of any language go ("please お座り" and
 *   "お座り please" are "お座り", still Japanese: the language is the detected one);
 * - English number words in Japanese or Chinese text are digits ("往前走 two meters" =
 *   "往前走 2 meters").
 */
const KANJI_ONLY = /^[\p{Script=Han}\s\d.]+$/u;
let isWrapper: ((segment: string) => boolean) | undefined;

export function readAs(a: Analysed): Analysed {
  let out = a;
  if (!a.languageCertain && a.normalised && KANJI_ONLY.test(a.normalised)) {
    const zhText = a.simplified ?? a.normalised;
    const ja = foldIntent(a.normalised, 'ja') !== undefined;
    const zh = foldIntent(zhText, 'zh') !== undefined;
    if (zh && !ja) out = { ...a, language: 'zh', languageCertain: true, normalised: zhText };
    else if (ja && !zh) out = { ...a, language: 'ja', languageCertain: true };
  }
  if (out.language !== 'en' && isMixed(out.normalised)) {
    isWrapper ??= wrapperTest(shippedPhrasebook());
    const digits = digitiseEnglish(dropWrapperSegments(out.normalised, isWrapper).split(' ')).join(' ');
    if (digits !== out.normalised) out = { ...out, normalised: digits };
  }
  return out;
}
