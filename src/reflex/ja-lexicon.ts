import { foldKana } from '../lang/normalise';
import { CJK_NUMBER, type ParsedIntent, type SpeedWord } from './intent';

/**
 * The Japanese grammar's data: command verbs with their conjugation class, the request
 * tails each form may take, fillers, movement verbs and directions, and the conjugator
 * that turns a dictionary form into request forms only.
 */
export type FormKind = 'te' | 'imp' | 'nasai' | 'vol' | 'noun';

/** Verb entry: dictionary form(s) and conjugation class; suru = a noun taking する. */
export interface VerbEntry {
  action: string;
  forms: string[];
  /** suruOnly: only with する ("こんにちはして"); the bare noun is a greeting, not a command. */
  cls: 'godan' | 'ichidan' | 'suru' | 'suruOnly' | 'noun';
}

export const VERBS: VerbEntry[] = [
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
  { action: 'scrape', forms: ['お辞儀', 'おじぎ', '礼', 'ぺこり', 'ぺこっと'], cls: 'suru' },
  { action: 'scrape', forms: ['頭を下げる', 'あたまをさげる'], cls: 'ichidan' },
  { action: 'front_jump', forms: ['じゃんぷ', '前じゃんぷ', '前にじゃんぷ'], cls: 'suru' },
  { action: 'front_jump', forms: ['跳ぶ', '飛ぶ', 'とぶ'], cls: 'godan' },
  { action: 'front_jump', forms: ['跳ねる', 'はねる'], cls: 'ichidan' },
  { action: 'front_flip', forms: ['ふりっぷ', '前宙', 'ぜんちゅう', '宙返り', 'ちゅうがえり', '前方宙返り', 'ふろんとふりっぷ'], cls: 'suru' },
  { action: 'back_flip', forms: ['ばく宙', 'ばくちゅう', 'ばっくふりっぷ', '後方宙返り', 'ばく転', 'ばくてん'], cls: 'suru' },
  { action: 'left_flip', forms: ['横宙', '側宙', 'そくちゅう', 'さいどふりっぷ'], cls: 'suru' },
  { action: 'hand_stand', forms: ['逆立ち', 'さかだち', 'はんどすたんど'], cls: 'suru' },
  { action: 'front_pounce', forms: ['飛びかかる', 'とびかかる', '飛び掛かる'], cls: 'godan' },
  { action: 'front_pounce', forms: ['ぱうんす'], cls: 'suru' },
  { action: 'pose', forms: ['ぽーず', '決めぽーず', 'きめぽーず'], cls: 'suru' },
  { action: 'pose', forms: ['ぽーずを取る', 'ぽーずをとる', 'ぽーず取る', 'ぽーずとる'], cls: 'godan' },
  { action: 'wiggle_hips', forms: ['お尻を振る', 'おしりをふる', 'お尻振る'], cls: 'godan' },
  { action: 'wiggle_hips', forms: ['おしりふりふり', 'ふりふり'], cls: 'suru' },
  { action: 'damp', forms: ['脱力', 'だつりょく'], cls: 'suru' },
  { action: 'damp', forms: ['力を抜く', 'ちからをぬく'], cls: 'godan' },
  { action: 'recovery_stand', forms: ['りかばりー', '復帰'], cls: 'suru' },
  { action: 'balance_stand', forms: ['ばらんすすたんど'], cls: 'suru' },
];

/** Godan endings: te-form, imperative, masu-stem, volitional. */
export const GODAN: Record<string, [string, string, string, string]> = {
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
const TE_TAILS_KANA = [
  '', 'ください', 'くださいね', 'くださいな', 'くださいよ', 'くださいませ', 'くださいませんか', 'くれ', 'くれよ', 'くれる', 'くれるかな',
  'くれない', 'くれないか', 'くれないかな', 'くれます', 'くれますか', 'くれませんか', 'もらえる', 'もらえるかな', 'もらえます', 'もらえますか',
  'もらえない', 'もらえないかな', 'もらえませんか', 'もらっていい', 'もらっていいですか', 'いただける', 'いただけますか', 'いただけませんか',
  'いただけないでしょうか', 'ちょうだい', 'ほしい', 'ほしいな', '欲しい', '欲しいな', 'ほしいです', '欲しいです', 'ね', 'よ', 'な', 'ねー', 'よー',
  'みて', 'みてください', 'みてくれる', 'みてね', 'お願い', 'お願いします', 'おねがい', 'おねがいします', 'ごらん',
  // Kansai requests: 立ってや, 座ってくれへん？
  'や', 'くれへん', 'くれへんか', 'もらえへん', 'もらえへんか',
  // Casual: "座ってみ" (try it), "踊ってみせて" (show me), "座っておいて" (っといて said in full), insistence ってば, よね.
  'み', 'みな', 'みい', 'みせて', 'みせてよ', 'おいて', 'おいてね', 'おいてください', 'おいてくれる', 'ってば', 'よね', 'ねえ', 'くれや',
];
/** Request tails are written in kana or kanji (下さい, 頂けますか, 貰える, 頂戴, お願い). */
const KANJI_TAILS: Array<[string, string]> = [['ください', '下さい'], ['いただけ', '頂け'], ['もらえ', '貰え'], ['もらって', '貰って'], ['ちょうだい', '頂戴'], ['ほしい', '欲しい']];
function withKanji(tails: string[]): string[] {
  const out = new Set(tails);
  for (const t of tails) for (const [kana, kanji] of KANJI_TAILS) if (t.includes(kana)) out.add(t.replace(kana, kanji));
  return [...out];
}
export const TE_TAILS = withKanji(TE_TAILS_KANA);

export const TAILS: Record<FormKind, string[]> = {
  te: TE_TAILS,
  imp: withKanji(['', 'よ', 'ー', 'ください', 'くださいね']),
  // Also the Kansai/casual stem imperative (座りや, 座りぃ, 座りな, 立ち上がりや) and とき (座っとき = 座っておき).
  nasai: ['', 'ね', 'よ', 'い', 'や', 'な', 'なよ'],
  vol: ['', 'か', 'よ', 'ね', 'ー'],
  // A sentence-final よ/ね/な/だよ/だぞ after a command noun still gives the command ("伏せだよ", "お手ね");
  // だね, だった, だよね, なの describe or ask, so they are not tails.
  noun: [
    '', 'お願い', 'お願いします', 'をください', 'を下さい', 'おねがい', 'おねがいします', 'をお願い', 'をお願いします', 'をおねがい', 'をおねがいします', 'ー',
    'よ', 'ね', 'な', 'ぞ', 'だよ', 'だぞ', 'よー', 'ねー', 'だよー',
  ],
};

/** Words in front of a command that do not change it. Speed words are kept for movement. */
export const FILLERS = [
  'えっと', 'えーと', 'えーっと', 'あのね', 'あのー', 'あの', 'それじゃあ', 'それでは', 'じゃあ', 'じゃ', 'では', 'さあ', 'ほら', 'はい', 'よーし', 'よし',
  'ちょっと', 'もう一回', 'もういっかい', 'もう一度', 'もういちど', 'また', '今すぐ', 'いますぐ', 'すぐに', 'すぐ', 'さっさと', 'ちゃんと', '君', 'きみ',
  'お前', 'おまえ', 'わんちゃん', '少しだけ', '少し', 'すこし', 'こんにちはって', 'こんにちはと', 'はろーって', 'ばいばいって', 'おはようって', 'ちゃんと', '今', 'いま',
  // Terms of address and coaxing in front of a command ("ワンコ、お座り", "いい子だから伏せて").
  'わんこ', 'ろぼっと', 'いい子だから', 'いいこだから', 'お願いだから', 'おねがいだから', 'ほらほら', 'おっけー', 'おけ', 'ちょこんと', 'しっかり',
].map(foldKana).sort((a, b) => b.length - a.length);
export const SPEED_WORDS: Array<[string, SpeedWord]> = [
  ['ゆっくりと', 'slow'], ['ゆっくり', 'slow'], ['そっと', 'slow'], ['少しずつ', 'slow'],
  ['はよう', 'fast'], ['はよ', 'fast'], ['速く', 'fast'], ['早く', 'fast'], ['はやく', 'fast'], ['急いで', 'fast'], ['いそいで', 'fast'], ['全速力で', 'fast'], ['全速', 'fast'],
];
/** How far, without a number ("左にちょっと寄って"): said inside a movement, it changes nothing the grammar sets. */
export const DEGREE_WORDS = ['もうちょっと', 'ちょっとだけ', 'ちょっと', 'もう少し', '少しだけ', '少し', 'すこし', 'ちょこっと', 'ちょい', '軽く'].map(foldKana).sort((a, b) => b.length - a.length);
/**
 * Whom a greeting, bow or heart is for ("みんなに挨拶して", "ママにハート見せて"): it does not change
 * the action, so it is allowed in front of those (never in front of a movement: "こっちに来て").
 */
export const ADDRESSEES = [
  'みんなに', 'みなさんに', '皆さんに', '皆に', 'お客さんに', 'お客様に', '私に', 'わたしに', '僕に', 'ぼくに', '俺に', 'パパに', 'ママに', 'お父さんに', 'お母さんに',
  'おじいちゃんに', 'おばあちゃんに', '先生に', '友達に', 'お友達に', 'この人に', 'あの人に', 'お兄ちゃんに', 'お姉ちゃんに', 'カメラに', 'こっちに', 'みんなの前で',
].map(foldKana).sort((a, b) => b.length - a.length);
export const SOCIAL_ACTIONS = new Set(['hello', 'scrape', 'heart', 'dance1', 'dance2', 'pose']);
export const TRAILING_WAKE = ['くらうでぃあ', 'くらうでぃあちゃん'];

/** Movement: direction phrase + verb class decide the action; numbers become params. */
export type MoveVerb = 'go' | 'run' | 'back' | 'turn' | 'shift' | 'forward' | 'backward' | 'turn_left' | 'turn_right';
export const MOVE_VERBS: Array<{ cls: MoveVerb; forms: string[]; conj: VerbEntry['cls'] }> = [
  { cls: 'go', forms: ['進む', 'すすむ', '歩く', 'あるく', '行く', 'いく'], conj: 'godan' },
  { cls: 'go', forms: ['出る', 'でる'], conj: 'ichidan' },
  { cls: 'run', forms: ['走る', 'はしる', '駆ける', 'かける'], conj: 'godan' },
  { cls: 'run', forms: ['だっしゅ'], conj: 'suru' },
  { cls: 'shift', forms: ['移動', 'いどう'], conj: 'suru' },
  { cls: 'shift', forms: ['寄る', 'よる', '動く', 'うごく', 'ずらす'], conj: 'godan' },
  { cls: 'shift', forms: ['ずれる', 'よける', '避ける', '寄せる', 'よせる'], conj: 'ichidan' },
  { cls: 'back', forms: ['下がる', 'さがる'], conj: 'godan' },
  { cls: 'backward', forms: ['後退', 'こうたい', 'ばっく'], conj: 'suru' },
  { cls: 'forward', forms: ['前進', 'ぜんしん', '直進'], conj: 'suru' },
  { cls: 'turn', forms: ['曲がる', 'まがる', '回る', 'まわる', '向く', 'むく'], conj: 'godan' },
  { cls: 'turn', forms: ['回転', 'かいてん', '旋回', 'せんかい', 'たーん'], conj: 'suru' },
  { cls: 'turn_left', forms: ['左折', '左回転', '左旋回'], conj: 'suru' },
  { cls: 'turn_right', forms: ['右折', '右回転', '右旋回'], conj: 'suru' },
];
export const DIRS: Array<[string, 'front' | 'back' | 'left' | 'right']> = [
  ['まっすぐ', 'front'], ['真っ直ぐ', 'front'], ['前方に', 'front'], ['前方へ', 'front'], ['前に', 'front'], ['前へ', 'front'], ['まえに', 'front'], ['前', 'front'],
  ['後ろに', 'back'], ['後ろへ', 'back'], ['うしろに', 'back'], ['後方に', 'back'], ['後ろ', 'back'], ['うしろ', 'back'],
  ['左側に', 'left'], ['左に', 'left'], ['左へ', 'left'], ['左を', 'left'], ['ひだりに', 'left'], ['ひだりへ', 'left'], ['左', 'left'], ['ひだり', 'left'],
  ['右側に', 'right'], ['右に', 'right'], ['右へ', 'right'], ['右を', 'right'], ['みぎに', 'right'], ['みぎへ', 'right'], ['右', 'right'], ['みぎ', 'right'],
].map(([w, d]) => [foldKana(w as string), d] as [string, 'front' | 'back' | 'left' | 'right']).sort((a, b) => b[0].length - a[0].length);
/** English units after a Japanese direction too ("右に1 meter"): spaces are gone by then. */
export const UNITS = '(めーとる|meters?|metres?|centimet(?:er|re)s?|m|せんちめーとる|せんち|cm|歩|steps?|度|degrees?|°|秒間|秒|seconds?)';
export const PARAM_RE = new RegExp(`^(${CJK_NUMBER})${UNITS}(?:だけ|くらい|ぐらい|ほど)?(?:で)?`, 'u');

/** Fixed drill commands that carry their own parameters. */
export const FIXED: Array<[string, ParsedIntent]> = [
  ['回れ右', { action: 'turn_right', params: { angle_deg: 180 } }],
  ['後ろを向いて', { action: 'turn_left', params: { angle_deg: 180 } }],
  ['うしろをむいて', { action: 'turn_left', params: { angle_deg: 180 } }],
  ['後ろ向いて', { action: 'turn_left', params: { angle_deg: 180 } }],
  ['一回転して', { action: 'turn_left', params: { angle_deg: 360 } }],
  ['くるっと回って', { action: 'turn_left', params: { angle_deg: 360 } }],
  ['くるりと回って', { action: 'turn_left', params: { angle_deg: 360 } }],
  ['半回転して', { action: 'turn_left', params: { angle_deg: 180 } }],
  ['右向け右', { action: 'turn_right', params: { angle_deg: 90 } }],
  ['左向け左', { action: 'turn_left', params: { angle_deg: 90 } }],
];

/**
 * The request forms of one verb or command noun, and the bare masu stem as a casual or
 * Kansai imperative (座り, 座りぃ, 座りな) with `withStem`; not for movement verbs, where a bare stem is a noun (右向き).
 */
export function addForms<T>(map: Map<string, T>, dict: string, cls: VerbEntry['cls'], make: (k: FormKind) => T, withStem = false): void {
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
      // Casual: "お手しよ" (an invitation), "ダンスしや", "伏せしとき", "ジャンプしな" (not しない: imp takes no い).
      put(n + 'しよ', 'vol');
      put(n + 'しや', 'nasai');
      put(n + 'しとき', 'nasai');
      put(n + 'しな', 'imp');
      put(n + 'しましょう', 'vol');
      if (cls !== 'suruOnly') {
        put(n + 'お願い', 'noun');
        // やる as the light verb: "前宙やって", "ダンスやろう", "ジャンプやれ".
        put(n + 'やって', 'te');
        put(n + 'やれ', 'imp');
        put(n + 'やろう', 'vol');
        put(n + 'やろ', 'vol');
        put(n + 'やりなさい', 'nasai');
      }
      // "ダンスを見せて", "ハート見せて": show me = do it.
      if (cls === 'suru') {
        put(n + '見せて', 'te');
        put(n + 'みせて', 'te');
      }
    }
    return;
  }
  if (cls === 'ichidan') {
    const base = dict.slice(0, -1);
    put(base + 'て', 'te');
    put(base + 'とき', 'nasai');
    put(base + 'や', 'nasai');
    put(base + 'ろ', 'imp');
    put(base + 'よ', 'imp');
    put(base + 'なさい', 'nasai');
    // Casual imperative: 寝な, 伏せな (the negative imperative is 寝るな, another string).
    put(base + 'な', 'imp');
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
  const teForm = base + (dict.endsWith('行く') || dict.endsWith('いく') ? 'って' : te);
  put(teForm, 'te');
  // Casual and Kansai: 座っとき (ておき), 座りや, 座ろ (short volitional).
  put(teForm.slice(0, -1) + (teForm.endsWith('で') ? 'どき' : 'とき'), 'nasai');
  put(base + stem + 'や', 'nasai');
  if (withStem) put(base + stem, 'nasai');
  put(base + imp, 'imp');
  put(base + stem + 'なさい', 'nasai');
  put(base + vol, 'vol');
  if (vol.endsWith('う')) put(base + vol.slice(0, -1), 'vol');
  put(base + stem + 'ましょう', 'vol');
  if (/^\p{Script=Han}/u.test(base)) put('お' + base + stem + 'ください', 'imp');
}
