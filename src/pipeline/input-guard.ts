import { BadInputError } from '../util/errors';
import type { PromptType, Priority, QueryInput } from './types';

// Control characters are exactly what this pattern looks for.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
const INVALID_UTF8 = /\uFFFD|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;
const PROMPT_TYPES = ['', 'auto', 'dialog', 'command', 'technical', 'emergency'];

export interface CheckedInput {
  text: string;
  language: '' | 'ja' | 'zh' | 'en';
  promptType: PromptType | '';
  priority: Priority;
  timeoutMs: number | undefined;
  confidence: number;
}

/**
 * Refuses input the pipeline must not act on, with a message saying what is wrong.
 * Runs after the emergency reflex (a stop word inside bad input still stops the robot).
 */
export function checkInput(input: QueryInput, maxChars: number): CheckedInput {
  const text = input.text as unknown;
  if (typeof text !== 'string') throw new BadInputError(`text must be a string, got ${text === null ? 'null' : typeof text}`);
  if (text.trim() === '') throw new BadInputError('text is empty');
  if (text.length > maxChars) {
    throw new BadInputError(`text is ${text.length} characters; the limit is ${maxChars} (language.max_input_chars)`);
  }
  const ctl = CONTROL.exec(text);
  if (ctl) {
    const cp = (ctl[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
    throw new BadInputError(`text contains a control character (U+${cp}); send plain text`);
  }
  if (INVALID_UTF8.test(text)) throw new BadInputError('text contains invalid UTF-8 (replacement characters or lone surrogates)');

  const language = input.language ?? '';
  if (!['', 'ja', 'zh', 'en'].includes(language)) throw new BadInputError(`language must be ja, zh, en or empty; got '${language}'`);
  const promptType = input.promptType ?? '';
  if (!PROMPT_TYPES.includes(promptType)) {
    throw new BadInputError(`prompt_type must be one of dialog, command, technical, emergency or empty; got '${promptType}'`);
  }
  const priority = input.priority ?? 0;
  if (!Number.isInteger(priority) || priority < 0 || priority > 4) throw new BadInputError(`priority must be 0..4; got ${priority}`);
  const timeoutS = input.timeoutS ?? 0;
  if (typeof timeoutS !== 'number' || !Number.isFinite(timeoutS) || timeoutS < 0) {
    throw new BadInputError(`timeout_s must be a number >= 0; got ${String(timeoutS)}`);
  }
  const raw = input.confidence ?? -1;
  if (typeof raw !== 'number') throw new BadInputError('confidence must be a number (negative or NaN = unscored)');
  // NaN is what recognisers send when they did not score: unscored, as the contract says.
  const confidence = Number.isNaN(raw) ? -1 : raw;
  return {
    text,
    language: language as CheckedInput['language'],
    promptType: (promptType === 'auto' ? '' : promptType) as PromptType | '',
    priority: priority as Priority,
    timeoutMs: timeoutS > 0 ? timeoutS * 1000 : undefined,
    confidence: confidence > 1 ? 1 : confidence,
  };
}
