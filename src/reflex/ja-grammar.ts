import { foldKana, normaliseText } from '../lang/normalise';
import { finishMoveIntent, parseNumber, type LanguageGrammar, type MoveParams, type ParsedIntent, type SpeedWord } from './intent';
import {
  ADDRESSEES, DEGREE_WORDS, DIRS, FILLERS, FIXED, MOVE_VERBS, PARAM_RE, SOCIAL_ACTIONS, SPEED_WORDS, TAILS, TE_TAILS, TRAILING_WAKE, VERBS, addForms,
  type FormKind, type MoveVerb,
} from './ja-lexicon';

/**
 * Japanese whole-utterance grammar. Each command verb is conjugated into the request forms
 * only (te-form + request tails, imperative, なさい, volitional, お〜ください, bare command
 * nouns); a form that is not generated (dictionary form, negation ないで/な, past た,
 * progressive てる, potential, question of fact) never matches, so the utterance is deferred.
 * Everything is matched kana-folded (katakana -> hiragana), so ダンス/だんす/ﾀﾞﾝｽ agree.
 */
export function createJaGrammar(actionPhrases: Record<string, string[]> = {}): LanguageGrammar {
  const fixed = new Map<string, ParsedIntent>(FIXED.map(([w, i]) => [foldKana(w), i]));
  const forms = new Map<string, { action: string; kind: FormKind }>();
  for (const v of VERBS) for (const f of v.forms.flatMap((x) => withoutWo(foldKana(x)))) addForms(forms, f, v.cls, (kind) => ({ action: v.action, kind }), true);
  // Phrasebook phrases (config/phrases/ja.yaml `actions`): a te-form takes the request tails,
  // anything else is a command noun (お手, おすわり) that also takes する.
  for (const [action, list] of Object.entries(actionPhrases)) {
    for (const p of list) {
      for (const f of withoutWo(foldKana(normaliseText(p)).replace(/\s+/g, ''))) {
        if (/[てで]$/.test(f)) {
          if (!forms.has(f)) forms.set(f, { action, kind: 'te' });
        } else addForms(forms, f, 'suru', (kind) => ({ action, kind }));
      }
    }
  }
  const moveForms = new Map<string, { cls: MoveVerb; kind: FormKind }>();
  for (const v of MOVE_VERBS) for (const f of v.forms) addForms(moveForms, foldKana(f), v.conj, (kind) => ({ cls: v.cls, kind }));

  function lookup<T extends { kind: FormKind }>(map: Map<string, T>, s: string): T | undefined {
    // Try every tail that ends the text; the remaining core must be a form that takes it.
    // A cut that leaves no request tail of any form needs no look-up of its core.
    for (let cut = 0; cut <= Math.min(s.length, 16, LONGEST_TAIL); cut++) {
      const tail = s.slice(s.length - cut);
      if (!ANY_TAIL.has(tail)) continue;
      const hit = map.get(s.slice(0, s.length - cut));
      if (hit && TAILS[hit.kind].includes(tail)) return hit;
    }
    return undefined;
  }

  return {
    parse(text) {
      // A long-vowel mark or a small vowel after hiragana or kanji is a stretched syllable
      // ("座りなさーい", "すわってー", "手ぇ振って", "座りぃ"); after katakana it is part of the word
      // (ハート, ポーズ, ファイト), so fold only the former.
      let s = foldKana(unstretchJa(text)).replace(SPACES, '');
      for (const w of TRAILING_WAKE) if (s.endsWith(w) && s.length > w.length) s = s.slice(0, -w.length);
      // Fillers are tried one layer at a time: "じゃんぷ" starts with the filler "じゃ".
      for (const cand of fillerLayers(s)) {
        const fx = lookupFixed(fixed, cand);
        if (fx) return fx;
        const move = parseMove(cand, moveForms, lookup);
        if (move) return move;
        const { rest } = takeSpeed(cand);
        const hit = lookup(forms, rest);
        if (hit) return { action: hit.action };
        // Whom a greeting or a bow is for: "みんなに挨拶して", "ママにハート見せて".
        const to = ADDRESSEES.find((w) => rest.startsWith(w) && rest.length > w.length);
        const social = to ? lookup(forms, rest.slice(to.length)) : undefined;
        if (social && SOCIAL_ACTIONS.has(social.action)) return { action: social.action };
      }
      return undefined;
    },
  };
}

/** Every request tail of any form, and the longest: the cuts `lookup` tries. */
const ANY_TAIL = new Set(Object.values(TAILS).flat());
const LONGEST_TAIL = Math.max(...[...ANY_TAIL].map((t) => t.length));
const SPACES = /\s+/g;
const STRETCH = /(?<=[\p{Script=Hiragana}\p{Script=Han}])[ーぁぃぅぇぉ]+/gu;

/** Stretched syllables out (すわってー, 手ぇ振って); katakana words keep their long marks and small vowels. */
export function unstretchJa(text: string): string {
  return text.replace(STRETCH, '');
}

/** A phrase with the object particle を, and the same phrase without it, as it is often said ("力抜いて", "手振って"). */
function withoutWo(f: string): string[] {
  const i = f.indexOf('を');
  return i > 0 && i < f.length - 1 ? [f, f.slice(0, i) + f.slice(i + 1)] : [f];
}

/** A fixed phrase, alone or with a request tail ("回れ右!", "後ろを向いてください"). */
function lookupFixed(fixed: Map<string, ParsedIntent>, s: string): ParsedIntent | undefined {
  for (const [w, intent] of fixed) {
    if (!s.startsWith(w)) continue;
    const tail = s.slice(w.length);
    if (tail === '' || (w.endsWith('て') ? TE_TAILS : TAILS.imp).includes(tail)) return { ...intent, params: { ...intent.params } };
  }
  return undefined;
}

/** The text, then the text with one more leading filler removed each time (at most 4 layers). */
function fillerLayers(s: string): string[] {
  const out = [s];
  let cur = s;
  for (let i = 0; i < 4; i++) {
    const f = FILLERS.find((w) => cur.startsWith(w) && cur.length > w.length);
    if (!f) break;
    cur = cur.slice(f.length);
    out.push(cur);
  }
  return out;
}

const FOLDED_SPEED_WORDS = SPEED_WORDS.map(([w, sp]) => [foldKana(w), sp] as const);

function takeSpeed(s: string): { speed?: SpeedWord; rest: string } {
  for (const [f, sp] of FOLDED_SPEED_WORDS) {
    if (s.startsWith(f)) return { speed: sp, rest: s.slice(f.length) };
  }
  return { rest: s };
}

function parseMove(
  s: string,
  moveForms: Map<string, { cls: MoveVerb; kind: FormKind }>,
  lookup: (m: Map<string, { cls: MoveVerb; kind: FormKind }>, s: string) => { cls: MoveVerb; kind: FormKind } | undefined,
): ParsedIntent | undefined {
  const params: MoveParams = {};
  let speed: SpeedWord | undefined;
  let dir: 'front' | 'back' | 'left' | 'right' | undefined;
  let rest = s;
  // Params, speed and one direction in any order, then the verb. The verb is tried first
  // at every position, so 前進 is read as one verb, not as 前 + 進.
  let verb = lookup(moveForms, rest);
  for (let guard = 0; guard < 6 && rest && !verb; guard++, verb = lookup(moveForms, rest)) {
    const sp = takeSpeed(rest);
    if (sp.speed) {
      if (speed) return undefined;
      speed = sp.speed;
      rest = sp.rest;
      continue;
    }
    const m = PARAM_RE.exec(rest);
    if (m) {
      if (!addParam(params, m[1] as string, m[2] as string)) return undefined;
      rest = rest.slice(m[0].length);
      continue;
    }
    const d = DIRS.find(([w]) => rest.startsWith(w));
    if (d && !dir) {
      dir = d[1];
      rest = rest.slice(d[0].length);
      continue;
    }
    const deg = DEGREE_WORDS.find((w) => rest.startsWith(w));
    if (deg) {
      rest = rest.slice(deg.length);
      continue;
    }
    break;
  }
  // No verb: a direction and a number are a command too ("前に2メートル", "三歩前へ", "右に90度").
  if (!verb) return dir && (rest === '' || TAILS.noun.includes(rest)) ? verbless(dir, params, speed) : undefined;
  const action = moveAction(verb.cls, dir);
  if (!action) return undefined;
  // 走って: running is walking fast unless a speed word says otherwise.
  if (verb.cls === 'run' && !speed) speed = 'fast';
  return finishMoveIntent(action, params, speed);
}

function verbless(dir: 'front' | 'back' | 'left' | 'right', params: MoveParams, speed: SpeedWord | undefined): ParsedIntent | undefined {
  if (params.angle_deg !== undefined) {
    const turn = moveAction('turn', dir);
    return turn ? finishMoveIntent(turn, params, speed) : undefined;
  }
  if (params.distance_m === undefined && params.duration_s === undefined) return undefined;
  return finishMoveIntent(moveAction('go', dir) as string, params, speed);
}

function moveAction(cls: MoveVerb, dir: 'front' | 'back' | 'left' | 'right' | undefined): string | undefined {
  switch (cls) {
    case 'forward':
      return dir === undefined || dir === 'front' ? 'forward' : undefined;
    case 'backward':
      return dir === undefined || dir === 'back' ? 'backward' : undefined;
    case 'back':
      return dir === undefined || dir === 'back' ? 'backward' : undefined;
    case 'go':
    case 'run':
      if (dir === undefined || dir === 'front') return 'forward';
      return dir === 'back' ? 'backward' : dir;
    case 'shift':
      return dir === 'left' || dir === 'right' ? dir : dir === 'front' ? 'forward' : dir === 'back' ? 'backward' : undefined;
    case 'turn':
      return dir === 'left' ? 'turn_left' : dir === 'right' ? 'turn_right' : undefined;
    case 'turn_left':
    case 'turn_right':
      return dir === undefined ? cls : undefined;
  }
}

/** One meter is one metre; a step (歩) is taken as 0.3 m, documented in docs/robot.md. */
function addParam(p: MoveParams, num: string, unit: string): boolean {
  const n = parseNumber(num);
  if (n === undefined) return false;
  if (unit === 'めーとる' || unit === 'm' || /^met(er|re)s?$/.test(unit)) return set(p, 'distance_m', n);
  if (unit === 'せんち' || unit === 'せんちめーとる' || unit === 'cm' || /^centimet/.test(unit)) return set(p, 'distance_m', n / 100);
  if (unit === '歩' || /^steps?$/.test(unit)) return set(p, 'distance_m', n * STEP_M);
  if (unit === '度' || unit === '°' || /^degrees?$/.test(unit)) return set(p, 'angle_deg', n);
  return set(p, 'duration_s', n);
}

export const STEP_M = 0.3;

function set(p: MoveParams, k: keyof MoveParams, v: number): boolean {
  if (p[k] !== undefined) return false;
  p[k] = v;
  return true;
}
