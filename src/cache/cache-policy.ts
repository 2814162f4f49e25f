import type { Analysed } from '../lang/types';
import type { Decision } from '../pipeline/types';

/**
 * What may be cached. An answer is stored only when it came from the LLM, is marked
 * cacheable, did not use session history, is not empty, and answers a question whose
 * answer does not change with time, battery, robot state or the conversation (今何時,
 * バッテリー残量, 今天天气, what did I just say...). Those questions are not even looked up,
 * so an entry stored before this rule existed cannot answer them.
 */
const VOLATILE: Record<'ja' | 'zh' | 'en', RegExp> = {
  ja: /何時|なんじ|時間|時刻|何曜|曜日|日付|何日|今日|明日|昨日|きょう|あした|きのう|今週|今月|今年|天気|気温|バッテリー|ばってりー|電池|充電|残量|電源|状態|調子|姿勢|どこにいる|今どこ|何してる|何をして|さっき|前回|覚えて|おぼえて|今の|いま何|今何/u,
  zh: /几点|时间|几号|日期|星期|今天|明天|昨天|天气|温度|电池|电量|充电|状态|姿势|在哪|在干什么|刚才|上次|记得|现在/u,
  en: /\b(?:time|clock|date|day|today|tomorrow|yesterday|tonight|week|month|year|weather|temperature|battery|charge|charging|power level|status|state|posture|where are you|what are you doing|earlier|last time|just now|remember|right now|now)\b/,
};

export function isVolatileQuestion(a: Analysed): boolean {
  // Kanji-only text (今何時) may be either language: check both then.
  const langs = a.language === '' || !a.languageCertain ? (['ja', 'zh', 'en'] as const) : ([a.language] as const);
  return langs.some((l) => VOLATILE[l].test(a.normalised));
}

/** Why a decision must not be stored; undefined when it may be. */
export function refuseToStore(a: Analysed, d: Decision): string | undefined {
  if (!d.cacheable) return 'marked_uncacheable';
  if (d.source !== 'llm') return `source_${d.source}`;
  if (d.detail?.usedSession) return 'used_session';
  // Danger replies depend on the moment (助けて, 危ない): L0 already stopped the robot.
  if (d.detail?.promptType === 'emergency') return 'emergency';
  if (d.actions.length === 0 && d.reply.trim() === '') return 'empty';
  if (!a.normalised) return 'empty_text';
  if (isVolatileQuestion(a)) return 'volatile_question';
  return undefined;
}
