import { createHash } from 'node:crypto';
import type { Config } from '../config/types';
import type { Language } from '../lang/types';
import type { PromptType, Request } from '../pipeline/types';
import type { ActionCatalogue } from '../robot/catalogue';
import type { Lane } from '../util/telemetry';
import { chooseTemplate } from './choose-template';
import { withLanguageTag } from './language-tag';
import { buildOutputSchema, describeActions } from './output-schema';
import type { SessionMemory } from './session-memory';
import { COMMON_HEAD, TEMPLATES, PROMPT_TYPES, type PromptTemplate } from './templates';
import { truncateToBudget } from './tokens';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The runner configuration: identical for every template and for warm-up, or Ollama reloads the model. */
export interface RunnerOptions {
  num_ctx: number;
  num_batch: number;
  num_gpu: number;
}

export interface BuiltPrompt {
  promptType: PromptType;
  /** Lane from the template (the decider lets an explicit priority override it). */
  lane: Lane;
  language: Exclude<Language, ''>;
  messages: ChatMessage[];
  format: Record<string, unknown>;
  /** Runner options plus this template's sampling options. */
  options: RunnerOptions & PromptTemplate['sampling'];
  keepAlive: string;
  truncated: boolean;
  usedSession: boolean;
  /** Same model + template + messages -> same key. Undefined when the request must not be shared (session memory). */
  coalesceKey?: string;
  /** The (possibly truncated) utterance as the model sees it. */
  utterance: string;
}

export interface PromptBuilder {
  build(req: Request): BuiltPrompt;
  /** The byte-stable system prompt of a template. */
  systemPrompt(type: PromptType): string;
  schema(type: PromptType): Record<string, unknown>;
  /** Picks the template for a request: its prompt_type, else prompt.default_type, else automatic. */
  templateFor(req: Request): PromptType;
}

export function runnerOptions(config: Config): RunnerOptions {
  return { num_ctx: config.ollama.num_ctx, num_batch: config.ollama.num_batch, num_gpu: config.ollama.num_gpu };
}

export function createPromptBuilder(deps: { config: Config; catalogue: ActionCatalogue; sessions?: SessionMemory }): PromptBuilder {
  const { config, catalogue } = deps;
  const runner = runnerOptions(config);
  const actionList = describeActions(catalogue);
  const maxActions = Math.max(1, config.safety.max_actions_per_request);
  // Built once: byte-identical for every request of a template (KV prefix reuse).
  const systems = new Map<PromptType, string>();
  const schemas = new Map<PromptType, Record<string, unknown>>();
  for (const type of PROMPT_TYPES) {
    const t = TEMPLATES[type];
    systems.set(type, `${COMMON_HEAD}\nAllowed actions:\n${actionList}\n\n${t.instructions}`);
    schemas.set(type, buildOutputSchema(catalogue, { actions: t.actions, maxActions }));
  }

  function templateFor(req: Request): PromptType {
    if (req.promptType) return req.promptType;
    const d = config.prompt.default_type;
    if (d !== 'auto') return d;
    return chooseTemplate(req.analysed);
  }

  return {
    systemPrompt: (type) => systems.get(type) as string,
    schema: (type) => schemas.get(type) as Record<string, unknown>,
    templateFor,
    build(req) {
      const type = templateFor(req);
      const t = TEMPLATES[type];
      const language: Exclude<Language, ''> = req.analysed.language || config.language.default;
      const cut = truncateToBudget(req.analysed.raw.trim(), t.inputBudgetTokens);
      const history = type === 'emergency' ? [] : (deps.sessions?.turns(req.sessionId) ?? []);
      const messages: ChatMessage[] = [{ role: 'system', content: systems.get(type) as string }];
      for (const turn of history) messages.push({ role: 'user', content: turn.user }, { role: 'assistant', content: turn.assistant });
      messages.push({ role: 'user', content: withLanguageTag(cut.text, language) });
      const format = schemas.get(type) as Record<string, unknown>;
      const options = { ...runner, ...t.sampling };
      const keepAlive = t.keepAlive ?? config.ollama.keep_alive;
      const usedSession = history.length > 0;
      const coalesceKey = usedSession
        ? undefined
        : createHash('sha256').update(JSON.stringify([config.ollama.model, type, messages, options, keepAlive])).digest('hex').slice(0, 32);
      return { promptType: type, lane: t.lane, language, messages, format, options, keepAlive, truncated: cut.truncated, usedSession, coalesceKey, utterance: cut.text };
    },
  };
}
