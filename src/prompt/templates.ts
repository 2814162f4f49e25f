import type { Lane } from '../util/telemetry';
import type { PromptType } from '../pipeline/types';

/** Per-template sampling: these may differ between templates without making Ollama reload the model. */
export interface SamplingOptions {
  temperature: number;
  top_p: number;
  num_predict: number;
}

export interface PromptTemplate {
  type: PromptType;
  /** Lane when the request has no explicit priority. */
  lane: Lane;
  sampling: SamplingOptions;
  /** keep_alive for this template; undefined = ollama.keep_alive. */
  keepAlive?: string;
  /** Input budget in (estimated) tokens; longer input is cut with a visible marker. */
  inputBudgetTokens: number;
  /** True: the output schema carries an action list. False: reply only (emergency). */
  actions: boolean;
  /** The mode section that ends this template's system prompt (after the shared head and the action list). */
  instructions: string;
}

/**
 * Shared head of every system prompt (followed by the catalogue's action list): the four
 * templates differ only in a short mode section at the END, so even a switch of template
 * keeps most of the KV prefix in Ollama's slot.
 */
export const COMMON_HEAD = [
  'You are Claudia, the language brain of a Unitree Go2 robot dog. People talk to you in Japanese, Chinese or English.',
  'Answer with one JSON object only, actions first: {"a":[...],"r":"..."}.',
  '"a" is the list of robot actions to perform now, in order, using only the allowed action names below.',
  'An item is a name ("sit") or an object with the name in "n" and optional parameters ({"n":"forward","distance_m":1}).',
  'Use "a":[] for questions, small talk, negations ("don\'t sit", "座らないで"), conditions that are not met, or anything unclear. Never perform an action that is only mentioned, asked about or refused.',
  '"r" is a short spoken reply (one or two sentences) in the language named by the last line of the user message ([reply in: ja] Japanese, [reply in: zh] Simplified Chinese, [reply in: en] English). Never mix languages.',
  'If the input says it was truncated, answer only what is clear.',
].join('\n');

/**
 * The four templates. Their text must stay byte-identical between requests (Ollama reuses
 * the KV prefix); anything that varies goes into the user message, last.
 */
export const TEMPLATES: Record<PromptType, PromptTemplate> = {
  command: {
    type: 'command',
    lane: 'high',
    sampling: { temperature: 0.1, top_p: 0.8, num_predict: 192 },
    inputBudgetTokens: 96,
    actions: true,
    instructions: [
      'Mode: robot command.',
      'Turn the command into robot actions. Sequences are allowed ("stand up and say hello" -> ["stand_up","hello"]). Movement actions take distance_m, angle_deg, speed (m/s) or duration_s.',
    ].join('\n'),
  },
  dialog: {
    type: 'dialog',
    lane: 'medium',
    sampling: { temperature: 0.6, top_p: 0.9, num_predict: 192 },
    inputBudgetTokens: 192,
    actions: true,
    instructions: [
      'Mode: conversation.',
      'Mostly talk, friendly and brief. Add an action only when the person clearly asks for it or a small gesture fits (praise -> "content", greeting -> "hello").',
    ].join('\n'),
  },
  technical: {
    type: 'technical',
    lane: 'low',
    sampling: { temperature: 0.3, top_p: 0.9, num_predict: 384 },
    inputBudgetTokens: 512,
    actions: true,
    instructions: [
      'Mode: technical assistant.',
      'Answer technical questions about the robot, ROS 2 and this software briefly and accurately; say when you do not know. Technical questions normally need no action ("a":[]).',
    ].join('\n'),
  },
  emergency: {
    type: 'emergency',
    lane: 'urgent',
    sampling: { temperature: 0, top_p: 0.5, num_predict: 64 },
    inputBudgetTokens: 64,
    actions: false,
    instructions: [
      'Mode: EMERGENCY. Someone signalled danger; the robot has ALREADY stopped.',
      'Propose no action. Answer {"r":"..."} only: one very short, calm sentence saying the robot stopped and asking if the person is all right.',
    ].join('\n'),
  },
};

export const PROMPT_TYPES: PromptType[] = ['dialog', 'command', 'technical', 'emergency'];
