import { groupBy } from '../lang/group-by';
import { normaliseText } from '../lang/normalise';
import { CJK_NUMBER, finishMoveIntent, parseNumber, type LanguageGrammar, type MoveParams, type ParsedIntent, type SpeedWord } from './intent';

/**
 * Chinese whole-utterance grammar: [polite/urging prefix] command [softening suffix].
 * The imperative cores are the phrasebook's (config/phrases/zh.yaml `actions`); negation (不要/别/没), questions (吗/会...吗/了吗) and
 * anything else around the core are not part of the grammar, so they defer to the LLM.
 */

const PREFIXES = [
  '请你', '请您', '请', '麻烦你', '麻烦', '你给我', '给我', '你', '快点儿', '快点', '赶快', '赶紧', '快', '马上', '现在', '立刻', '再', '再来', '来', '帮我',
  '能不能', '可不可以', '可以', '小狗', '狗狗', '好了', '好', '那', '那就', '嗯', '乖乖', '乖', '来个', '来一个', '来一段', '来段',
  // Terms of address (child and pet talk), "let's", Taiwan and Hong Kong "please".
  '宝宝', '宝贝', '狗子', '狗勾', '小狗狗', '乖狗狗', '机器狗', '小机器人', '机器人', '小家伙', '我们来', '咱们来', '拜托', '拜托你', '唔该',
].sort((a, b) => b.length - a.length);
const SUFFIXES = [
  '吧', '一下', '一下吧', '一下下', '下吧', '好吗', '好不好', '行吗', '行不行', '可以吗', '啊', '呀', '哦', '嘛', '喔', '哟', '谢谢', '谢谢你', '吧谢谢',
  '给我看看', '给我看', '给我', '一次',
  // Praise after the command ("坐下，乖", "趴下好乖"): it does not change the command.
  '乖', '乖乖', '好乖', '真乖', '乖哦', '好狗狗', '乖狗狗', '啦', '咯', '呗', '一点', '一点儿', '一点点', '一些', '哈', '嘞', '唷', '好嘛', '看看', '让我看看', '给大家看看', '给大家看', '唔该',
].sort((a, b) => b.length - a.length);
/**
 * Whom a greeting, bow, heart, dance or pose is for ("跟大家打个招呼", "给妈妈比个心"): it does not change
 * the action, so it is allowed in front of those; never in front of a movement ("跟我走" is follow me).
 */
export const ADDRESSEE = /^(?:跟|和|向|对着|对|给|朝|冲|为)(?:我们|咱们|大家|你们|他们|她们|我|他|她|客人们?|小朋友们?|朋友们?|观众们?|爸爸|妈妈|叔叔|阿姨|哥哥|姐姐|爷爷|奶奶|老师|镜头|镜子)/u;
export const SOCIAL: ReadonlySet<string> = new Set(['hello', 'scrape', 'heart', 'dance1', 'dance2', 'pose']);
const SPEED: Array<[string, SpeedWord]> = [['慢慢地', 'slow'], ['慢慢', 'slow'], ['慢点', 'slow'], ['缓缓', 'slow'], ['快速', 'fast'], ['快快', 'fast']];

/** Movement cores: direction is part of the word. */
const MOVES: Array<[string, string]> = ([
  ['前进', 'forward'], ['向前走', 'forward'], ['往前走', 'forward'], ['朝前走', 'forward'], ['向前进', 'forward'], ['往前进', 'forward'], ['向前', 'forward'],
  ['往前', 'forward'], ['直走', 'forward'], ['走', 'forward'], ['走路', 'forward'], ['往前跑', 'run'], ['向前跑', 'run'], ['跑', 'run'], ['跑步', 'run'], ['一直走', 'forward'], ['向前移动', 'forward'], ['往前移动', 'forward'],
  ['后退', 'backward'], ['向后退', 'backward'], ['往后退', 'backward'], ['退后', 'backward'], ['向后走', 'backward'], ['往后走', 'backward'], ['倒退', 'backward'],
  ['向后移动', 'backward'], ['往后移动', 'backward'],
  ['向左走', 'left'], ['往左走', 'left'], ['向左移', 'left'], ['往左移', 'left'], ['向左移动', 'left'], ['往左移动', 'left'], ['左移', 'left'], ['向左平移', 'left'],
  ['向右走', 'right'], ['往右走', 'right'], ['向右移', 'right'], ['往右移', 'right'], ['向右移动', 'right'], ['往右移动', 'right'], ['右移', 'right'], ['向右平移', 'right'],
  ['向左挪', 'left'], ['往左挪', 'left'], ['左挪', 'left'], ['向左边挪', 'left'], ['往左边挪', 'left'], ['往左边走', 'left'], ['向左边走', 'left'], ['往左靠', 'left'], ['向左边移', 'left'], ['往左边移', 'left'], ['向左侧移', 'left'],
  ['向右挪', 'right'], ['往右挪', 'right'], ['右挪', 'right'], ['向右边挪', 'right'], ['往右边挪', 'right'], ['往右边走', 'right'], ['向右边走', 'right'], ['往右靠', 'right'], ['向右边移', 'right'], ['往右边移', 'right'], ['向右侧移', 'right'],
  // Cantonese puts the direction after the verb: 转左 (turn left), 转右.
  ['转左', 'turn_left'], ['转右', 'turn_right'], ['转左边', 'turn_left'], ['转右边', 'turn_right'],
  ['左转', 'turn_left'], ['向左转', 'turn_left'], ['往左转', 'turn_left'], ['左拐', 'turn_left'], ['向左拐', 'turn_left'], ['往左拐', 'turn_left'], ['转向左边', 'turn_left'],
  ['右转', 'turn_right'], ['向右转', 'turn_right'], ['往右转', 'turn_right'], ['右拐', 'turn_right'], ['向右拐', 'turn_right'], ['往右拐', 'turn_right'], ['转向右边', 'turn_right'],
  ['向后转', 'turn_around'], ['掉头', 'turn_around'], ['掉个头', 'turn_around'], ['转身', 'turn_around'], ['转过身', 'turn_around'], ['转个身', 'turn_around'],
  ['转个圈', 'spin'], ['转一圈', 'spin'], ['转圈', 'spin'], ['转圈圈', 'spin'], ['原地转圈', 'spin'], ['原地转一圈', 'spin'], ['原地转个圈', 'spin'], ['转', 'turn_any'],
  ['左转弯', 'turn_left'], ['向左转弯', 'turn_left'], ['往左转弯', 'turn_left'], ['右转弯', 'turn_right'], ['向右转弯', 'turn_right'], ['往右转弯', 'turn_right'],
  ['往前冲', 'run'], ['向前冲', 'run'], ['退', 'backward'], ['左平移', 'left'], ['右平移', 'right'],
] as Array<[string, string]>).sort((a, b) => b[0].length - a[0].length);
/** The movement cores by first character, longest first as above. */
const MOVES_BY_FIRST = groupBy(MOVES, ([w]) => w.charAt(0));
/** Chinese units, and the English ones a recogniser writes after a number ("往前走 2 meters"). */
const PARAM_RE = new RegExp(`^(${CJK_NUMBER})(?:个)?(米|公尺|厘米|公分|步|度|秒钟|秒|met(?:er|re)s?|centimet(?:er|re)s?|cm|m|steps?|degrees?|seconds?|s)(?![a-z])`, 'u');
const EN_UNIT: Record<string, string> = { m: '米', cm: '厘米', s: '秒' };
function zhUnit(u: string): string {
  if (EN_UNIT[u]) return EN_UNIT[u] as string;
  if (/^met/.test(u)) return '米';
  if (/^cent/.test(u)) return '厘米';
  if (/^step/.test(u)) return '步';
  if (/^deg/.test(u)) return '度';
  if (/^sec/.test(u)) return '秒';
  return u;
}

export function createZhGrammar(actionPhrases: Record<string, string[]>): LanguageGrammar {
  const cores = new Map<string, string>();
  for (const [action, words] of Object.entries(actionPhrases)) for (const w of words) cores.set(normaliseText(w).replace(/\s+/g, ''), action);

  return {
    parse(text) {
      let s = text.replace(SPACES, '');
      s = stripAll(s, PREFIXES, 'start');
      s = stripAll(s, SUFFIXES, 'end');
      if (!s) return undefined;
      const move = parseMove(s);
      if (move) return move;
      const action = core(s);
      if (action) return { action };
      // "跟大家打个招呼", "给妈妈比个心".
      const to = ADDRESSEE.exec(s);
      const social = to && to[0].length < s.length ? core(stripAll(s.slice(to[0].length), PREFIXES, 'start')) : undefined;
      return social && SOCIAL.has(social) ? { action: social } : undefined;
    },
  };

  /** A core as said, or with its first character said twice or more (坐坐, 坐坐坐, 握握手) or as A一A (挥一挥手): child and casual speech. */
  function core(s: string): string | undefined {
    const said = cores.get(s);
    if (said) return said;
    const r = /^(.)(?:一\1|\1+)/u.exec(s);
    return r ? cores.get(s.slice(r[0].length - 1)) : undefined;
  }
}

const SPACES = /\s+/g;

function stripAll(s: string, list: string[], where: 'start' | 'end'): string {
  let out = s;
  for (let changed = true; changed; ) {
    changed = false;
    for (const w of list) {
      if (where === 'start' ? out.startsWith(w) : out.endsWith(w)) {
        if (out.length === w.length) continue;
        out = where === 'start' ? out.slice(w.length) : out.slice(0, -w.length);
        changed = true;
      }
    }
  }
  return out;
}

/**
 * Quantities at the start of `rest` into `params`: what is left, or undefined when a number is not
 * understood or a kind is given twice. 一米五 is 1.5 m and 两米半 2.5 m, as they are said.
 */
function takeParams(text: string, params: MoveParams): string | undefined {
  let rest = text;
  for (let guard = 0; guard < 3 && rest; guard++) {
    const m = PARAM_RE.exec(rest);
    if (!m) break;
    let n = parseNumber(m[1] as string);
    if (n === undefined) return undefined;
    const unit = zhUnit(m[2] as string);
    rest = rest.slice(m[0].length);
    const tenth = unit === '米' ? /^(?:半|[一二三四五六七八九](?![米厘公步度秒]))/u.exec(rest) : null;
    if (tenth) {
      n += tenth[0] === '半' ? 0.5 : (parseNumber(tenth[0]) as number) / 10;
      rest = rest.slice(1);
    }
    const key: keyof MoveParams = unit === '度' ? 'angle_deg' : unit === '秒' || unit === '秒钟' ? 'duration_s' : 'distance_m';
    if (params[key] !== undefined) return undefined;
    params[key] = unit === '厘米' || unit === '公分' ? n / 100 : unit === '步' ? n * 0.3 : n;
  }
  return rest;
}

function parseMove(s: string): ParsedIntent | undefined {
  let rest = s;
  let speed: SpeedWord | undefined;
  const sp = SPEED.find(([w]) => rest.startsWith(w));
  if (sp) {
    speed = sp[1];
    rest = rest.slice(sp[0].length);
  }
  const params: MoveParams = {};
  // A quantity may come first too ("九十度向右转", "两步往前走").
  const before = takeParams(rest, params);
  if (before === undefined) return undefined;
  rest = before;
  const mv = MOVES_BY_FIRST.get(rest.charAt(0))?.find(([w]) => rest.startsWith(w));
  if (!mv) return undefined;
  rest = rest.slice(mv[0].length);
  // 向前走 + 两米, 左转 + 90度; a trailing 走 after a direction word ("往前 走两步").
  if (rest.startsWith('走') && (mv[1] === 'forward' || mv[1] === 'backward') && mv[0] !== '走') rest = rest.slice(1);
  const after = takeParams(rest, params);
  if (after === undefined || after) return undefined;
  let action = mv[1];
  if (action === 'run') {
    action = 'forward';
    speed ??= 'fast';
  }
  if (action === 'turn_around' || action === 'spin') {
    if (params.angle_deg !== undefined) return undefined;
    params.angle_deg = action === 'spin' ? 360 : 180;
    action = 'turn_left';
  } else if (action === 'turn_any') {
    // "转180度": without a direction only a half or full turn is unambiguous enough.
    if (params.angle_deg !== 180 && params.angle_deg !== 360) return undefined;
    action = 'turn_left';
  }
  return finishMoveIntent(action, params, speed);
}
