import type { AnswerRecord, CompiledAction } from '../pipeline/types';

/** Milliseconds as people read them: 0.42 ms, 38 ms, 2.41 s. */
export function ms(v: number | undefined): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
  if (v >= 1000) return `${(v / 1000).toFixed(2)} s`;
  if (v >= 10) return `${v.toFixed(0)} ms`;
  return `${v.toFixed(2)} ms`;
}

export function actionList(actions: readonly CompiledAction[]): string {
  if (actions.length === 0) return 'no action';
  return actions.map((a) => `${a.name}${a.parameter && a.parameter !== '{}' ? ` ${a.parameter}` : ''} ${a.verdict}`).join(', ');
}

/** The summary line of a finished request: source, every action with its verdict, first effect and total latency. */
export function summaryLine(rec: AnswerRecord): string {
  const parts = [rec.source, actionList(rec.actions), `first effect ${ms(rec.firstEffectMs)}`, `total ${ms(rec.latencyMs)}`];
  return parts.join(' · ');
}
