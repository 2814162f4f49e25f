export { createLlmDecider } from './decider';
export type { LlmDeciderDeps, LlmOutcome, FullLlmDecider } from './decider';
export { createOllamaClient, isHostFailure } from './ollama-client';
export type { OllamaClient, ChatChunk, ChatParams } from './ollama-client';
export { createOutputParser } from './output-parser';
export type { OutputParser, ParsedOutput } from './output-parser';
export { replyFitsLanguage } from './reply-language';
