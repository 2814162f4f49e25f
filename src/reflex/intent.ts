/** What a grammar understood: one catalogue action, with movement parameters when given. */
export interface Intent {
  action: string;
  params?: MoveParams;
}

export interface MoveParams {
  distance_m?: number;
  angle_deg?: number;
  speed?: number;
  duration_s?: number;
}

/** Speed words map to these factors of robot.move_default_speed (the compiler clamps). */
export type SpeedWord = 'slow' | 'fast';

/** One language's whole-utterance grammar: an intent, or undefined = defer. */
export interface LanguageGrammar {
  parse(text: string): ParsedIntent | undefined;
}

export interface ParsedIntent {
  action: string;
  params?: MoveParams;
  speed?: SpeedWord;
}

/**
 * The common tail of every language's movement rule: a distance for a turn or an angle for a
 * walk is not understood (undefined = defer); otherwise the intent carries only the parameters
 * and speed word that were actually given.
 */
export function finishMoveIntent(action: string, params: MoveParams, speed: SpeedWord | undefined): ParsedIntent | undefined {
  const turning = action.startsWith('turn_');
  if (turning && params.distance_m !== undefined) return undefined;
  if (!turning && params.angle_deg !== undefined) return undefined;
  const out: ParsedIntent = { action };
  if (Object.keys(params).length) out.params = params;
  if (speed) out.speed = speed;
  return out;
}

const KANJI_DIGITS: Record<string, number> = {
  〇: 0, 零: 0, 一: 1, 二: 2, 两: 2, 兩: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};

const EN_UNITS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9 };
const EN_TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
const EN_NUMBERS: Record<string, number> = {
  zero: 0, ...EN_UNITS, a: 1, an: 1, ten: 10, ...EN_TENS,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19, fortyfive: 45, 'forty-five': 45,
  hundred: 100, half: 0.5, 'a couple': 2, 'a couple of': 2, 'couple of': 2, 'one eighty': 180, 'three sixty': 360, 'one hundred eighty': 180,
  'one hundred and eighty': 180, 'three hundred sixty': 360, 'three hundred and sixty': 360, 'a half': 0.5, 'half a': 0.5, 'one and a half': 1.5,
  'a hundred eighty': 180, 'a hundred and eighty': 180, 'forty five': 45,
};

/** Arabic (incl. decimals), kanji/Chinese numerals up to 999, 半 (half), English number words up to 99 and the usual angles. */
export function parseNumber(s: string): number | undefined {
  const t = s.trim();
  if (t === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t === '半') return 0.5;
  const en = Object.hasOwn(EN_NUMBERS, t) ? EN_NUMBERS[t] : undefined;
  if (en !== undefined) return en;
  // "twenty five", "thirty-five".
  const compound = /^([a-z]+)[- ]([a-z]+)$/.exec(t);
  if (compound && EN_TENS[compound[1] as string] !== undefined && EN_UNITS[compound[2] as string] !== undefined) {
    return (EN_TENS[compound[1] as string] as number) + (EN_UNITS[compound[2] as string] as number);
  }
  const half = /^(.+)(半)$/u.exec(t);
  if (half?.[1]) {
    const n = parseNumber(half[1]);
    return n === undefined ? undefined : n + 0.5;
  }
  if (/^[〇零一二两兩三四五六七八九十百]+$/u.test(t)) return kanjiNumber(t);
  return undefined;
}

function kanjiNumber(t: string): number | undefined {
  let total = 0;
  let digit: number | undefined;
  for (const ch of t) {
    if (ch === '百') {
      total += (digit ?? 1) * 100;
      digit = undefined;
    } else if (ch === '十') {
      total += (digit ?? 1) * 10;
      digit = undefined;
    } else {
      const d = KANJI_DIGITS[ch];
      if (d === undefined) return undefined;
      // "九零" style digit strings: shift.
      digit = digit === undefined ? d : digit * 10 + d;
    }
  }
  return total + (digit ?? 0);
}

/** Number pattern for regexes: arabic, kanji/Chinese numerals, 半. */
export const CJK_NUMBER = '(?:\\d+(?:\\.\\d+)?|[〇零一二两兩三四五六七八九十百]+半?|半)';
