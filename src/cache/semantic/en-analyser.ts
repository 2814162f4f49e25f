import { digitiseEnglish } from './quantities';
import type { LanguageAnalyser, SkeletonToken } from './types';

/**
 * English: contractions expanded (I'm -> i am, don't -> do not), polite openers and tags
 * removed (please, could you, would you mind, for me, thank you), articles dropped,
 * phrasal command verbs folded (sit down -> sit, stand up / get up -> stand), and every
 * word stemmed with natural's Porter stemmer (only that module is loaded: all of `natural`
 * costs ~120 MB of RSS).
 */
interface Stemmer {
  stem(token: string): string;
}

const CONTRACTIONS: Record<string, string> = {
  "won't": 'will not', "can't": 'can not', cannot: 'can not', "ain't": 'is not', "shan't": 'shall not',
  "let's": 'let us', "y'all": 'you all', gonna: 'going to', wanna: 'want to', gotta: 'got to',
  dont: 'do not', doesnt: 'does not', didnt: 'did not', cant: 'can not', wont: 'will not', isnt: 'is not',
  arent: 'are not', im: 'i am', ive: 'i have', youre: 'you are',
};
const SUFFIXES: Array<[RegExp, string]> = [
  [/^(\w+)n't$/, '$1 not'],
  [/^(\w+)'re$/, '$1 are'],
  [/^(\w+)'ll$/, '$1 will'],
  [/^(\w+)'ve$/, '$1 have'],
  [/^(\w+)'d$/, '$1 would'],
  [/^(\w+)'m$/, '$1 am'],
  [/^(\w+)'s$/, '$1 is'],
];
const LEADING = [
  'could you please', 'can you please', 'would you please', 'will you please', 'would you mind', 'could you', 'can you', 'would you',
  'will you', 'i want you to', 'i would like you to', 'go ahead and', 'please', 'kindly', 'just', 'hey', 'ok', 'okay', 'um', 'uh', 'well now',
].map((p) => p.split(' '));
const TRAILING = ['please', 'for me', 'thank you', 'thanks', 'ok', 'okay', 'now please'].map((p) => p.split(' '));
const ANYWHERE = new Set(['please', 'pls', 'plz', 'kindly']);
const ARTICLES = new Set(['a', 'an', 'the']);
const PHRASAL: Record<string, string> = { 'sit down': 'sit', 'lie down': 'lie', 'stand up': 'stand', 'get up': 'stand' };
/** Irregular forms Porter does not fold (lying -> ly, sat -> sat); lay down is the common slip for lie down. */
const IRREGULAR: Record<string, string> = {
  lying: 'lie', lay: 'lie', laying: 'lie', lain: 'lie', sitting: 'sit', sat: 'sit', standing: 'stand', stood: 'stand',
  getting: 'get', got: 'get', running: 'run', ran: 'run', went: 'go', going: 'go', gone: 'go', came: 'come', coming: 'come',
};

export function createEnglishAnalyser(deps: { stemmer: Stemmer }): LanguageAnalyser {
  function words(normalised: string): string[] {
    const out: string[] = [];
    for (const raw of normalised.split(' ')) {
      if (!raw) continue;
      const w = raw.replace(/’/g, "'");
      const fixed = CONTRACTIONS[w];
      if (fixed) {
        out.push(...fixed.split(' '));
        continue;
      }
      let expanded = w;
      for (const [re, rep] of SUFFIXES) {
        if (re.test(w)) {
          expanded = w.replace(re, rep);
          break;
        }
      }
      out.push(...expanded.split(' '));
    }
    return out;
  }

  function strip(normalised: string): string {
    let t = digitiseEnglish(words(normalised).filter((w) => !ANYWHERE.has(w)));
    for (let changed = true; changed; ) {
      changed = false;
      for (const p of LEADING) {
        if (t.length > p.length && p.every((w, i) => t[i] === w)) {
          t = t.slice(p.length);
          changed = true;
        }
      }
      for (const p of TRAILING) {
        const off = t.length - p.length;
        if (off > 0 && p.every((w, i) => t[off + i] === w)) {
          t = t.slice(0, off);
          changed = true;
        }
      }
    }
    return t.join(' ');
  }

  function skeleton(stripped: string): SkeletonToken[] {
    const t = stripped
      .split(' ')
      .filter((w) => w && !ARTICLES.has(w))
      .map((w) => IRREGULAR[w] ?? w);
    const out: SkeletonToken[] = [];
    for (let i = 0; i < t.length; i++) {
      const w = t[i] as string;
      const pair = PHRASAL[`${w} ${t[i + 1] ?? ''}`];
      if (pair) {
        out.push({ kind: 'lit', text: pair });
        i++;
        continue;
      }
      out.push({ kind: 'lit', text: /^[a-z]+$/.test(w) ? deps.stemmer.stem(w) : w });
    }
    return out;
  }

  return { strip, skeleton };
}
