/**
 * The part of node-llama-cpp 3.21 this project calls, typed structurally: the package is
 * optional (embedded-engine/), so the project's typecheck must not need its .d.ts files.
 * Names and shapes follow node-llama-cpp's own declarations.
 */
export interface EngineTokenMeter {
  readonly usedInputTokens: number;
  readonly usedOutputTokens: number;
}

export interface EngineSequence {
  readonly tokenMeter: EngineTokenMeter;
  readonly contextTokens: readonly number[];
  readonly disposed: boolean;
  dispose(): void;
}

export interface EngineContext {
  readonly sequencesLeft: number;
  getSequence(): EngineSequence;
  dispose(): Promise<void>;
}

export interface EngineTokenizer {
  (text: string, specialTokens?: boolean): number[];
}

export interface EngineModel {
  readonly tokenizer: EngineTokenizer;
  tokenize(text: string, specialTokens?: boolean): number[];
  detokenize(tokens: readonly number[]): string;
  createContext(opts: { contextSize?: number; sequences?: number; threads?: number; batchSize?: number }): Promise<EngineContext>;
  dispose(): Promise<void>;
}

export type EngineGrammar = object;

export interface EngineLlama {
  readonly gpu: string | false;
  loadModel(opts: { modelPath: string; gpuLayers?: number | 'max' | 'auto' }): Promise<EngineModel>;
  createGrammarForJsonSchema(schema: Record<string, unknown>): Promise<EngineGrammar>;
  dispose(): Promise<void>;
}

export type EngineHistoryItem = { type: 'system'; text: string } | { type: 'user'; text: string } | { type: 'model'; response: string[] };

export interface EngineGenerateOptions {
  grammar?: EngineGrammar;
  onTextChunk?: (text: string) => void;
  signal?: AbortSignal;
  stopOnAbortSignal?: boolean;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
}

export interface EngineChatWrapper {
  readonly wrapperName: string;
  generateContextState(opts: { chatHistory: EngineHistoryItem[] }): { contextText: { tokenize(tokenizer: EngineTokenizer): unknown[] } };
}

export interface EngineChat {
  readonly chatWrapper: EngineChatWrapper;
  generateResponse(history: EngineHistoryItem[], opts: EngineGenerateOptions): Promise<{ response: string; metadata: { stopReason: string } }>;
  dispose(opts?: { disposeSequence?: boolean }): void;
}

export interface EngineModule {
  getLlama(opts: { gpu?: false | 'auto'; build?: 'never'; progressLogs?: boolean; logLevel?: string; maxThreads?: number }): Promise<EngineLlama>;
  LlamaChat: new (opts: { contextSequence: EngineSequence; autoDisposeSequence?: boolean }) => EngineChat;
}
