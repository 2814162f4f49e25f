import { createChineseAnalyser } from './zh-analyser';
import { createEnglishAnalyser } from './en-analyser';
import type { Analysers } from './features';
import { createLightJapaneseAnalyser } from './ja-analyser';
import type { LanguageAnalyser } from './types';

/**
 * The per-language analysers with the light Japanese one. Only natural's Porter stemmer
 * module is required (the whole `natural` package would add ~120 MB of RSS).
 */
export function createAnalysers(opts: { japanese?: LanguageAnalyser } = {}): Analysers {
  process.env.DOTENV_CONFIG_QUIET ??= 'true';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const stemmer = require('natural/lib/natural/stemmers/porter_stemmer') as { stem(token: string): string };
  return {
    ja: opts.japanese ?? createLightJapaneseAnalyser(),
    zh: createChineseAnalyser(),
    en: createEnglishAnalyser({ stemmer }),
  };
}
