import { foldKana } from '../lang/normalise';
import { CJK_NUMBER, parseNumber, type LanguageGrammar, type MoveParams, type ParsedIntent, type SpeedWord } from './intent';

/**
 * Japanese whole-utterance grammar. Each command verb is conjugated into the request forms
 * only (te-form + request tails, imperative, なさい, volitional, お〜ください, bare command
 * nouns); a form that is not generated (dictionary form, negation ないで/な, past た,
 * progressive てる, potential, question of fact) never matches, so the utterance is deferred.
 * Everything is matched kana-folded (katakana -> hiragana), so ダンス/だんす/ﾀﾞﾝｽ agree.
 */

type FormKind = 'te' | 'imp' | 'nasai' | 'vol' | 'noun';

/** Verb entry: dictionary form(s) and conjugation class; suru = a noun taking する. */
interface VerbEntry {
  action: string;
  forms: string[];
  /** suruOnly: only with する ("こんにちはして"); the bare noun is a greeting, not a command. */
  cls: 'godan' | 'ichidan' | 'suru' | 'suruOnly' | 'noun';
}

const VERBS: VerbEntry[] = [
  { action: 'stop', forms: ['止まる', 'とまる'], cls: 'godan' },
  { action: 'stop', forms: ['停止', 'すとっぷ'], cls: 'suru' },
  { action: 'sit', forms: ['座る', 'すわる', 'おすわりする', 'お座りする'], cls: 'godan' },
  { action: 'sit', forms: ['お座り', 'おすわり'], cls: 'suru' },
  { action: 'stand_up', forms: ['立つ', 'たつ'], cls: 'godan' },
  { action: 'stand_up', forms: ['立ち上がる', 'たちあがる', '立ちあがる', '起き上がる', 'おきあがる', '起きあがる'], cls: 'godan' },
  { action: 'stand_up', forms: ['起立', 'すたんどあっぷ'], cls: 'suru' },
  { action: 'stand_up', forms: ['起きる', 'おきる'], cls: 'ichidan' },
  { action: 'lie_down', forms: ['伏せる', 'ふせる', '寝る', 'ねる'], cls: 'ichidan' },
  { action: 'lie_down', forms: ['寝そべる', 'ねそべる', '横になる', 'よこになる'], cls: 'godan' },
  { action: 'lie_down', forms: ['伏せ', 'ふせ', 'だうん'], cls: 'suru' },
  { action: 'hello', forms: ['手を振る', '手をふる', 'てをふる', '手振る', '手ふる', '前足を振る', '足を振る'], cls: 'godan' },
  { action: 'hello', forms: ['挨拶', 'あいさつ', 'ご挨拶', 'ごあいさつ', 'お手', 'おて', '握手', 'あくしゅ'], cls: 'suru' },
  { action: 'hello', forms: ['はろー', 'ばいばい', 'こんにちは', 'おはよう', 'こんばんは'], cls: 'suruOnly' },
  { action: 'stretch', forms: ['すとれっち', '伸び', 'のび', '背伸び', 'せのび', '伸びを', '背伸びを'], cls: 'suru' },
  { action: 'stretch', forms: ['伸びる', 'のびる'], cls: 'ichidan' },
  { action: 'dance1', forms: ['踊る', 'おどる'], cls: 'godan' },
  { action: 'dance1', forms: ['だんす', 'だんすいち', 'だんす1', '踊り', 'おどり'], cls: 'suru' },
  { action: 'dance2', forms: ['だんす2', 'だんすに', '2番目のだんす', '二番目のだんす', 'もう一つのだんす', 'もうひとつのだんす', '別のだんす', '違うだんす', 'ちがうだんす'], cls: 'suru' },
  { action: 'heart', forms: ['はーと', 'はーとまーく'], cls: 'suru' },
  { action: 'heart', forms: ['はーとを作る', 'はーと作る', 'はーとをつくる', 'はーとつくる'], cls: 'godan' },
  { action: 'scrape', forms: ['お辞儀', 'おじぎ', '礼'], cls: 'suru' },
  { action: 'scrape', forms: ['頭を下げる', 'あたまをさげる'], cls: 'ichidan' },
  { action: 'front_jump', forms: ['じゃんぷ', '前じゃんぷ', '前にじゃんぷ'], cls: 'suru' },
  { action: 'front_jump', forms: ['跳ぶ', '飛ぶ', 'とぶ', '跳ねる'], cls: 'godan' },
  { action: 'front_flip', forms: ['ふりっぷ', '前宙', 'ぜんちゅう', '宙返り', 'ちゅうがえり', '前方宙返り', 'ふろんとふりっぷ'], cls: 'suru' },
  { action: 'back_flip', forms: ['ばく宙', 'ばくちゅう', 'ばっくふりっぷ', '後方宙返り', 'ばく転', 'ばくてん'], cls: 'suru' },
  { action: 'left_flip', forms: ['横宙', '側宙', 'そくちゅう', 'さいどふりっぷ'], cls: 'suru' },
  { action: 'hand_stand', forms: ['逆立ち', 'さかだち', 'はんどすたんど'], cls: 'suru' },
  { action: 'front_pounce', forms: ['飛びかかる', 'とびかかる', '飛び掛かる'], cls: 'godan' },
  { action: 'front_pounce', forms: ['ぱうんす'], cls: 'suru' },
  { action: 'pose', forms: ['ぽーず'], cls: 'suru' },
  { action: 'pose', forms: ['ぽーずを取る', 'ぽーずをとる', 'ぽーず取る'], cls: 'godan' },
  { action: 'wiggle_hips', forms: ['お尻を振る', 'おしりをふる', 'お尻振る'], cls: 'godan' },
  { action: 'wiggle_hips', forms: ['おしりふりふり', 'ふりふり'], cls: 'suru' },
  { action: 'damp', forms: ['脱力', 'だつりょく'], cls: 'suru' },
  { action: 'damp', forms: ['力を抜く', 'ちからをぬく'], cls: 'godan' },
  { action: 'recovery_stand', forms: ['りかばりー', '復帰'], cls: 'suru' },
  { action: 'balance_stand', forms: ['ばらんすすたんど'], cls: 'suru' },
];

/** Godan endings: te-form, imperative, masu-stem, volitional. */
const GODAN: Record<string, [string, string, string, string]> = {
  る: ['って', 'れ', 'り', 'ろう'],
  つ: ['って', 'て', 'ち', 'とう'],
  う: ['って', 'え', 'い', 'おう'],
  く: ['いて', 'け', 'き', 'こう'],
  ぐ: ['いで', 'げ', 'ぎ', 'ごう'],
  む: ['んで', 'め', 'み', 'もう'],
  ぶ: ['んで', 'べ', 'び', 'ぼう'],
  ぬ: ['んで', 'ね', 'に', 'のう'],
  す: ['して', 'せ', 'し', 'そう'],
};

/** Request tails that may follow each form; none of them negates or reports. */
const TE_TAILS = [
  '', 'ください', 'くださいね', 'くださいな', 'くださいよ', 'くださいませ', 'くださいませんか', 'くれ', 'くれよ', 'くれる', 'くれるかな',
  'くれない', 'くれないか', 'くれないかな', 'くれます', 'くれますか', 'くれませんか', 'もらえる', 'もらえるかな', 'もらえます', 'もらえますか',
  'もらえない', 'もらえないかな', 'もらえませんか', 'もらっていい', 'もらっていいですか', 'いただける', 'いただけますか', 'いただけませんか',
  'いただけないでしょうか', 'ちょうだい', 'ほしい', 'ほしいな', '欲しい', '欲しいな', 'ほしいです', '欲しいです', 'ね', 'よ', 'な', 'ねー', 'よー',
  'みて', 'みてください', 'みてくれる', 'みてね', 'お願い', 'お願いします', 'おねがい', 'おねがいします', 'ごらん',
];
const TAILS: Record<FormKind, string[]> = {
  te: TE_TAILS,
  imp: ['', 'よ', 'ー', 'ください', 'くださいね'],
  nasai: ['', 'ね', 'よ', 'い'],
  vol: ['', 'か', 'よ', 'ね', 'ー'],
  // No だ/だよ/ね after a bare noun: "ジャンプだよ" describes, it does not ask.
  noun: ['', 'お願い', 'お願いします', 'おねがい', 'おねがいします', 'をお願い', 'をお願いします', 'をおねがい', 'をおねがいします', 'ー'],
};

/** Words in front of a command that do not change it. Speed words are kept for movement. */
const FILLERS = [
  'えっと', 'えーと', 'えーっと', 'あのね', 'あのー', 'あの', 'それじゃあ', 'それでは', 'じゃあ', 'じゃ', 'では', 'さあ', 'ほら', 'はい', 'よーし', 'よし',
  'ちょっと', 'もう一回', 'もういっかい', 'もう一度', 'もういちど', 'また', '今すぐ', 'いますぐ', 'すぐに', 'すぐ', 'さっさと', 'ちゃんと', '君', 'きみ',
  'お前', 'おまえ', 'わんちゃん', '少しだけ', '少し', 'すこし', 'こんにちはって', 'こんにちはと', 'はろーって', 'ばいばいって', 'おはようって', 'ちゃんと', '今', 'いま',
].map(foldKana).sort((a, b) => b.length - a.length);
const SPEED_WORDS: Array<[string, SpeedWord]> = [
  ['ゆっくりと', 'slow'], ['ゆっくり', 'slow'], ['そっと', 'slow'], ['少しずつ', 'slow'],
  ['速く', 'fast'], ['早く', 'fast'], ['はやく', 'fast'], ['急いで', 'fast'], ['いそいで', 'fast'], ['全速力で', 'fast'],
];
const TRAILING_WAKE = ['くらうでぃあ', 'くらうでぃあちゃん'];

/** Movement: direction phrase + verb class decide the action; numbers become params. */
type MoveVerb = 'go' | 'run' | 'back' | 'turn' | 'shift' | 'forward' | 'backward' | 'turn_left' | 'turn_right';
const MOVE_VERBS: Array<{ cls: MoveVerb; forms: string[]; conj: VerbEntry['cls'] }> = [
  { cls: 'go', forms: ['進む', 'すすむ', '歩く', 'あるく', '行く', 'いく'], conj: 'godan' },
  { cls: 'go', forms: ['出る', 'でる'], conj: 'ichidan' },
  { cls: 'run', forms: ['走る', 'はしる', '駆ける', 'かける'], conj: 'godan' },
  { cls: 'shift', forms: ['移動', 'いどう'], conj: 'suru' },
  { cls: 'shift', forms: ['寄る', 'よる', '動く', 'うごく'], conj: 'godan' },
  { cls: 'back', forms: ['下がる', 'さがる'], conj: 'godan' },
  { cls: 'backward', forms: ['後退', 'こうたい', 'ばっく'], conj: 'suru' },
  { cls: 'forward', forms: ['前進', 'ぜんしん', '直進'], conj: 'suru' },
  { cls: 'turn', forms: ['曲がる', 'まがる', '回る', 'まわる', '向く', 'むく'], conj: 'godan' },
  { cls: 'turn', forms: ['回転', 'かいてん', '旋回', 'せんかい', 'たーん'], conj: 'suru' },
  { cls: 'turn_left', forms: ['左折', '左回転', '左旋回'], conj: 'suru' },
  { cls: 'turn_right', forms: ['右折', '右回転', '右旋回'], conj: 'suru' },
];
const DIRS: Array<[string, 'front' | 'back' | 'left' | 'right']> = [
  ['まっすぐ', 'front'], ['真っ直ぐ', 'front'], ['前方に', 'front'], ['前方へ', 'front'], ['前に', 'front'], ['前へ', 'front'], ['まえに', 'front'], ['前', 'front'],
  ['後ろに', 'back'], ['後ろへ', 'back'], ['うしろに', 'back'], ['後方に', 'back'], ['後ろ', 'back'], ['うしろ', 'back'],
  ['左側に', 'left'], ['左に', 'left'], ['左へ', 'left'], ['左を', 'left'], ['ひだりに', 'left'], ['ひだりへ', 'left'], ['左', 'left'], ['ひだり', 'left'],
  ['右側に', 'right'], ['右に', 'right'], ['右へ', 'right'], ['右を', 'right'], ['みぎに', 'right'], ['みぎへ', 'right'], ['右', 'right'], ['みぎ', 'right'],
].map(([w, d]) => [foldKana(w as string), d] as [string, 'front' | 'back' | 'left' | 'right']).sort((a, b) => b[0].length - a[0].length);
const UNITS = '(めーとる|m|せんちめーとる|せんち|cm|歩|度|°|秒間|秒)';
const PARAM_RE = new RegExp(`^(${CJK_NUMBER})${UNITS}(?:だけ|くらい|ぐらい|ほど)?(?:で)?`, 'u');

/** Fixed drill commands that carry their own parameters. */
const FIXED: Array<[string, ParsedIntent]> = [
  ['回れ右', { action: 'turn_right', params: { angle_deg: 180 } }],
  ['後ろを向いて', { action: 'turn_left', params: { angle_deg: 180 } }],
  ['うしろをむいて', { action: 'turn_left', params: { angle_deg: 180 } }],
  ['後ろ向いて', { action: 'turn_left', params: { angle_deg: 180 } }],
  ['一回転して', { action: 'turn_left', params: { angle_deg: 360 } }],
  ['くるっと回って', { action: 'turn_left', params: { angle_deg: 360 } }],
  ['くるりと回って', { action: 'turn_left', params: { angle_deg: 360 } }],
];

export function createJaGrammar(): LanguageGrammar {
  const fixed = new Map<string, ParsedIntent>(FIXED.map(([w, i]) => [foldKana(w), i]));
  const forms = new Map<string, { action: string; kind: FormKind }>();
  for (const v of VERBS) for (const f of v.forms) addForms(forms, foldKana(f), v.cls, (kind) => ({ action: v.action, kind }));
  const moveForms = new Map<string, { cls: MoveVerb; kind: FormKind }>();
  for (const v of MOVE_VERBS) for (const f of v.forms) addForms(moveForms, foldKana(f), v.conj, (kind) => ({ cls: v.cls, kind }));

  function lookup<T extends { kind: FormKind }>(map: Map<string, T>, s: string): T | undefined {
    // Try every tail that ends the text; the remaining core must be a form that takes it.
    for (let cut = 0; cut <= Math.min(s.length, 16); cut++) {
      const core = s.slice(0, s.length - cut);
      const tail = s.slice(s.length - cut);
      const hit = map.get(core);
      if (hit && TAILS[hit.kind].includes(tail)) return hit;
    }
    return undefined;
  }

  return {
    parse(text) {
      // A long-vowel mark after hiragana is a stretched syllable ("座りなさーい", "すわってー");
      // after katakana it is part of the word (ハート, ポーズ), so fold only the former.
      let s = foldKana(text.replace(/(?<=\p{Script=Hiragana})ー/gu, '')).replace(/\s+/g, '');
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
      }
      return undefined;
    },
  };
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

function takeSpeed(s: string): { speed?: SpeedWord; rest: string } {
  for (const [w, sp] of SPEED_WORDS) {
    const f = foldKana(w);
    if (s.startsWith(f)) return { speed: sp, rest: s.slice(f.length) };
  }
  return { rest: s };
}

function addForms<T>(map: Map<string, T>, dict: string, cls: VerbEntry['cls'], make: (k: FormKind) => T): void {
  const put = (form: string, kind: FormKind) => {
    if (!map.has(form)) map.set(form, make(kind));
  };
  if (cls === 'suru' || cls === 'suruOnly' || cls === 'noun') {
    if (cls !== 'suruOnly') put(dict, 'noun');
    if (cls === 'noun') return;
    for (const n of dict.endsWith('を') ? [dict] : [dict, dict + 'を']) {
      put(n + 'して', 'te');
      put(n + 'しろ', 'imp');
      put(n + 'せよ', 'imp');
      put(n + 'しなさい', 'nasai');
      put(n + 'しよう', 'vol');
      put(n + 'しましょう', 'vol');
      if (cls !== 'suruOnly') put(n + 'お願い', 'noun');
    }
    return;
  }
  if (cls === 'ichidan') {
    const base = dict.slice(0, -1);
    put(base + 'て', 'te');
    put(base + 'ろ', 'imp');
    put(base + 'よ', 'imp');
    put(base + 'なさい', 'nasai');
    put(base + 'よう', 'vol');
    put(base + 'ましょう', 'vol');
    if (/^\p{Script=Han}/u.test(base)) put('お' + base + 'ください', 'imp');
    return;
  }
  const last = dict.slice(-1);
  const base = dict.slice(0, -1);
  const endings = GODAN[last];
  if (!endings) return;
  const [te, imp, stem, vol] = endings;
  // 行く is the one irregular te-form among the verbs used here.
  put(base + (dict.endsWith('行く') || dict.endsWith('いく') ? 'って' : te), 'te');
  put(base + imp, 'imp');
  put(base + stem + 'なさい', 'nasai');
  put(base + vol, 'vol');
  put(base + stem + 'ましょう', 'vol');
  if (/^\p{Script=Han}/u.test(base)) put('お' + base + stem + 'ください', 'imp');
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
    break;
  }
  if (!verb) return undefined;
  const action = moveAction(verb.cls, dir);
  if (!action) return undefined;
  // 走って: running is walking fast unless a speed word says otherwise.
  if (verb.cls === 'run' && !speed) speed = 'fast';
  const turning = action.startsWith('turn_');
  // A distance for a turn or an angle for a walk is not understood: defer.
  if (turning && params.distance_m !== undefined) return undefined;
  if (!turning && params.angle_deg !== undefined) return undefined;
  const out: ParsedIntent = { action };
  if (Object.keys(params).length) out.params = params;
  if (speed) out.speed = speed;
  return out;
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
  if (unit === 'めーとる' || unit === 'm') return set(p, 'distance_m', n);
  if (unit === 'せんち' || unit === 'せんちめーとる' || unit === 'cm') return set(p, 'distance_m', n / 100);
  if (unit === '歩') return set(p, 'distance_m', n * STEP_M);
  if (unit === '度' || unit === '°') return set(p, 'angle_deg', n);
  return set(p, 'duration_s', n);
}

export const STEP_M = 0.3;

function set(p: MoveParams, k: keyof MoveParams, v: number): boolean {
  if (p[k] !== undefined) return false;
  p[k] = v;
  return true;
}
