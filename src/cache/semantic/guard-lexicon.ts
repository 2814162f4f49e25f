import type { Language } from '../../lang/types';
import { katakanaToHiragana } from './kana';

/**
 * Words the guards look for, per language. A guard compares what it finds in the cached
 * utterance with what it finds in the query; any difference refuses the hit. Patterns are
 * matched on stripped, normalised text (politeness already removed, so 能不能 and
 * てくれない do not count as negation). Concept names are language-independent.
 */
export interface Lexicon {
  /** Each match counts one negation (counted, so 危ない vs 危なくない differ). */
  negation: RegExp;
  /** Removed before the direction and amount search: words that contain a direction marker but mean something else. */
  exclusions: RegExp;
  directions: Array<[RegExp, string]>;
  speed: Array<[RegExp, string]>;
  actions: Array<[RegExp, string]>;
  entities: Array<[RegExp, string]>;
  /** Degree words without a number (少し, a bit, 一点): part of the number guard. */
  amounts: Array<[RegExp, string]>;
}

const JA: Lexicon = {
  negation: /ない|なく|ません|ぬ$|ず(?:に|$)|(?<=[うくぐすつぬぶむる])な$|だめ|駄目|禁止|不要|いけない/gu,
  exclusions: /名前|上手|下手|立ち上|下さい|一緒|一番|以上|以下/gu,
  directions: [
    [/左|ひだり/gu, 'left'], [/右|みぎ/gu, 'right'], [/前|まえ|フォワード/gu, 'forward'], [/後ろ|うしろ|後退|後|バック/gu, 'back'],
    [/上|うえ|アップ/gu, 'up'], [/下|ダウン/gu, 'down'], [/横|よこ/gu, 'side'], [/反対|逆/gu, 'reverse'], [/時計回り/gu, 'cw'],
  ],
  speed: [[/ゆっくり|のんびり|遅く|おそく|スロー/gu, 'slow'], [/速く|早く|はやく|急いで|いそいで|素早く|全速|全力|ダッシュ|スピード/gu, 'fast']],
  actions: [
    [/座|すわ|おすわり|シット/gu, 'sit'], [/立|起立|スタンド/gu, 'stand'], [/伏せ|ふせ|寝そべ|寝転|横にな/gu, 'lie'],
    [/踊|おど|ダンス/gu, 'dance'], [/ジャンプ|跳|飛び/gu, 'jump'], [/ストレッチ|伸び/gu, 'stretch'], [/手を?振|挨拶|あいさつ|ハロー/gu, 'hello'],
    [/お手|おて/gu, 'paw'], [/ハート/gu, 'heart'], [/止ま|止め|とま|ストップ|停止|やめ/gu, 'stop'], [/進|前進|歩|走|行|来/gu, 'move'],
    [/曲が|回|ターン|向/gu, 'turn'], [/後退|下が|バック/gu, 'back'], [/フリップ|宙返り|バク転/gu, 'flip'], [/お辞儀|礼/gu, 'bow'],
    [/寝|眠/gu, 'sleep'], [/起き/gu, 'wake'],
  ],
  entities: [
    [/今日|きょう/gu, 'today'], [/明日|あした/gu, 'tomorrow'], [/昨日|きのう/gu, 'yesterday'], [/今朝|今夜|今晩|今(?![日朝夜晩])/gu, 'now'],
    [/あなた|君|きみ|お前|おまえ|貴方/gu, 'you'], [/私|わたし|僕|ぼく|俺|おれ/gu, 'i'], [/彼女/gu, 'she'], [/彼(?!女)/gu, 'he'],
    [/みんな|皆/gu, 'all'], [/これ|この|ここ/gu, 'this'], [/それ|その|そこ|あれ|あの|あそこ/gu, 'that'],
    [/猫|ねこ|ネコ/gu, 'cat'], [/犬|いぬ|イヌ/gu, 'dog'], [/朝/gu, 'morning'], [/夜|晩/gu, 'night'],
  ],
  amounts: [[/少し|すこし|ちょっと|ちょこっと/gu, 'little'], [/もっと|さらに/gu, 'more'], [/たくさん|いっぱい|沢山/gu, 'much'], [/全部|ぜんぶ/gu, 'all']],
};

const ZH: Lexicon = {
  negation: /不|没|别|勿|莫|甭|未|无|非|禁止/gu,
  exclusions: /[坐趴停蹲躺卧放倒]下|一下|下来|上来|快乐|以上|以下/gu,
  directions: [
    [/左/gu, 'left'], [/右/gu, 'right'], [/前/gu, 'forward'], [/后|倒退/gu, 'back'], [/上/gu, 'up'], [/下/gu, 'down'], [/侧|横/gu, 'side'],
    [/顺时针/gu, 'cw'], [/逆时针/gu, 'ccw'],
  ],
  speed: [[/慢/gu, 'slow'], [/快|加速|迅速/gu, 'fast']],
  actions: [
    [/坐/gu, 'sit'], [/站|起立|起来/gu, 'stand'], [/趴|卧|躺/gu, 'lie'], [/跳舞|舞/gu, 'dance'], [/跳(?!舞)/gu, 'jump'],
    [/伸展|拉伸|伸懒腰/gu, 'stretch'], [/招手|挥手|打招呼/gu, 'hello'], [/握手/gu, 'paw'], [/比心|爱心/gu, 'heart'], [/停|别动/gu, 'stop'],
    [/走|前进|进|跑|过来|来/gu, 'move'], [/转|拐/gu, 'turn'], [/后退|倒退/gu, 'back'], [/翻/gu, 'flip'], [/鞠躬/gu, 'bow'], [/睡/gu, 'sleep'],
  ],
  entities: [
    [/今天/gu, 'today'], [/明天/gu, 'tomorrow'], [/昨天/gu, 'yesterday'], [/现在/gu, 'now'], [/早上/gu, 'morning'], [/晚上/gu, 'night'],
    [/你|您/gu, 'you'], [/我们|咱们/gu, 'we'], [/我(?!们)/gu, 'i'], [/他/gu, 'he'], [/她/gu, 'she'], [/这/gu, 'this'], [/那/gu, 'that'],
    [/猫/gu, 'cat'], [/狗/gu, 'dog'], [/颜色/gu, 'colour'], [/动物/gu, 'animal'],
  ],
  amounts: [[/一点|一些|有点/gu, 'little'], [/更|再/gu, 'more'], [/很多|多/gu, 'much']],
};

const word = (list: string) => new RegExp(`\\b(?:${list})\\b`, 'g');
const EN: Lexicon = {
  // n't as well: a mixed utterance keeps "don't" as said (only English text has its contractions expanded).
  negation: word("not|no|never|none|nothing|nobody|nowhere|neither|nor|without|[a-z]+n't|cannot"),
  exclusions: word('(?:sit|sitting|sat|lie|lying|lay|laying|stand|standing|get|getting|calm|settle) (?:down|up)|right now|all right|alright'),
  directions: [
    [word('left'), 'left'], [word('right'), 'right'], [word('forwards?|ahead|front'), 'forward'], [word('back|backwards?|behind|reverse'), 'back'],
    [word('up|upwards?'), 'up'], [word('down|downwards?'), 'down'], [word('sideways'), 'side'], [word('clockwise'), 'cw'],
    [word('counterclockwise|anticlockwise'), 'ccw'], [word('around'), 'around'],
  ],
  speed: [[word('slow|slowly|slower|gently'), 'slow'], [word('fast|faster|quick|quickly|quicker|hurry|rapidly|run'), 'fast']],
  actions: [
    [word('sit|sits|sitting|seat'), 'sit'], [word('stand|stands|standing|get up|rise'), 'stand'], [word('lie|lay|lying|laying'), 'lie'],
    [word('dance|dances|dancing'), 'dance'], [word('jump|jumps|jumping|hop'), 'jump'], [word('stretch|stretches|stretching'), 'stretch'],
    [word('wave|waves|waving|hello|greet'), 'hello'], [word('paw|shake'), 'paw'], [word('heart'), 'heart'],
    [word('stop|halt|freeze|stay'), 'stop'], [word('walk|go|move|run|come'), 'move'], [word('turn|rotate|spin'), 'turn'],
    [word('flip|backflip|somersault'), 'flip'], [word('bow'), 'bow'], [word('sleep'), 'sleep'], [word('look'), 'look'],
  ],
  entities: [
    [word('today'), 'today'], [word('tomorrow'), 'tomorrow'], [word('yesterday'), 'yesterday'], [word('now|tonight'), 'now'],
    [word('morning'), 'morning'], [word('evening|night'), 'night'], [word('you|your|yours|yourself'), 'you'], [word('i|me|my|mine|myself'), 'i'],
    [word('we|us|our'), 'we'], [word('he|him|his'), 'he'], [word('she|her|hers'), 'she'], [word('they|them|their'), 'they'],
    [word('this|these|here'), 'this'], [word('that|those|there'), 'that'], [word('cats?'), 'cat'], [word('dogs?'), 'dog'],
  ],
  amounts: [[word('a bit|a little|slightly|little'), 'little'], [word('more|further'), 'more'], [word('much|lot|lots'), 'much'], [word('less'), 'less']],
};

/**
 * Japanese patterns and text are compared with katakana folded to hiragana, so ダンス and
 * だんす name the same action.
 */
const JA_FOLDED: Lexicon = foldLexicon(JA);

function foldLexicon(l: Lexicon): Lexicon {
  const re = (r: RegExp) => new RegExp(katakanaToHiragana(r.source), r.flags);
  const list = (xs: Array<[RegExp, string]>) => xs.map(([r, n]): [RegExp, string] => [re(r), n]);
  return {
    negation: re(l.negation),
    exclusions: re(l.exclusions),
    directions: list(l.directions),
    speed: list(l.speed),
    actions: list(l.actions),
    entities: list(l.entities),
    amounts: list(l.amounts),
  };
}

export function lexiconFor(language: Language): Lexicon | undefined {
  return language === 'ja' ? JA_FOLDED : language === 'zh' ? ZH : language === 'en' ? EN : undefined;
}

/** Every lexicon, for text whose language is unknown: refuse on anything any language marks. */
export const ALL_LEXICONS: Lexicon[] = [JA_FOLDED, ZH, EN];
