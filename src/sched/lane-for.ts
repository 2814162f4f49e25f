import type { PromptType } from '../pipeline/types';
import type { Lane } from '../util/telemetry';

const BY_PRIORITY: Record<number, Lane> = { 1: 'urgent', 2: 'high', 3: 'medium', 4: 'low' };
const BY_TEMPLATE: Record<PromptType, Lane> = { emergency: 'urgent', command: 'high', dialog: 'medium', technical: 'low' };

/** The request's priority (1..4) wins; 0 = auto: emergency -> urgent, command -> high, dialog -> medium, technical -> low. */
export function laneFor(priority: number, promptType: PromptType): Lane {
  return BY_PRIORITY[priority] ?? BY_TEMPLATE[promptType];
}
