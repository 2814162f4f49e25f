import type { Config } from '../config/types';
import type { ChatMessage, RunnerOptions, SamplingOptions } from '../prompt';
import type { Clock } from '../util/clock';
import { ClaudiaError } from '../util/errors';
import type { Logger } from '../util/logger';

/**
 * The LLM backend seam. The scheduler, the fleet, coalescing, the prompt builder and the
 * output parser are the same for every backend; only this interface differs per server
 * kind. Contract for implementations (the decider and the scheduler rely on it):
 *
 * - Every call takes an AbortSignal. Aborting ends the call promptly (the HTTP request or
 *   the local generation is cancelled) and the call rejects with `signal.reason`.
 * - Errors are ClaudiaErrors:
 *   - `hostDownError()` (E_LLM_UNAVAILABLE, `isHostFailure()` true) when the server cannot
 *     be reached at all: connection refused/reset, socket closed, DNS. The fleet takes the
 *     host out at once and moves its work elsewhere.
 *   - E_LLM_UNAVAILABLE without the flag when the server answered but cannot serve this
 *     call (busy, unknown model, a 5xx): the host stays in.
 *   - `badOutputError()` (E_LLM_BAD_OUTPUT) when the output itself is unusable, e.g. a
 *     stream that ends cleanly without its final chunk: that request fails, the host is fine.
 * - `chatStream` yields content pieces in order; the last chunk has `done: true` and the
 *   call's usage. A stream that ends without it is a bad output (see above), never a
 *   silent success.
 */
export type BackendKind = 'ollama' | 'openai' | 'embedded';

export const BACKEND_KINDS: readonly BackendKind[] = ['ollama', 'openai', 'embedded'];

/** What one member of the fleet is called in status texts and logs (plural: + 's'), by backend. */
export const BACKEND_HOST_NOUN: Record<BackendKind, string> = { ollama: 'Ollama host', openai: 'OpenAI-compatible server', embedded: 'embedded llama.cpp engine' };

/** The options a call carries: the runner configuration plus one template's sampling (Ollama's names; backends map them). */
export type LlmOptions = RunnerOptions & Partial<SamplingOptions>;

/** One inference call, as every backend takes it. */
export interface LlmRequest {
  model: string;
  messages: ChatMessage[];
  /** JSON schema the output must follow (grammar-constrained); undefined = free text. */
  format?: Record<string, unknown>;
  options: LlmOptions;
  /** How long the server keeps the model loaded (Ollama); backends without the notion ignore it. */
  keepAlive?: string | number;
}

/**
 * Token counts and timings of one call, as the backend reports them. A field is absent
 * when the backend does not know it (never a made-up 0).
 */
export interface LlmUsage {
  /** Tokens of the whole prompt, the part served from the prefix (KV) cache included. */
  promptTokens?: number;
  /** Of promptTokens, those served from the prefix cache (not evaluated again). */
  cachedPromptTokens?: number;
  /** Tokens generated. */
  outputTokens?: number;
  /** Server-side time of the whole call (ms). */
  totalMs?: number;
  /** Model load time paid by this call (ms). */
  loadMs?: number;
  /** Prompt evaluation time (ms). */
  promptMs?: number;
  /** Generation time (ms). */
  decodeMs?: number;
  /** Why generation ended: `stop`, `length` (the token limit), `load` (warm-up), ... */
  finishReason?: string;
}

export interface LlmChunk {
  /** The next piece of the output (may be ''). */
  content: string;
  /** True on the last chunk, which carries the usage. */
  done: boolean;
  usage?: LlmUsage;
}

export interface LlmResult {
  content: string;
  usage: LlmUsage;
}

export interface LlmHealth {
  /** Is the model loaded (no load delay on the next call)? undefined = the backend cannot tell. */
  modelLoaded?: boolean;
  /** The server's version or kind, for diagnostics. */
  version?: string;
}

/** One server (or one in-process engine) of the fleet. */
export interface LlmBackend {
  readonly kind: BackendKind;
  /** Where it runs: the host URL as configured (normalised), or an id for an in-process engine. */
  readonly host: string;
  /** Streams one chat completion. */
  chatStream(req: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmChunk>;
  /** One chat completion, not streamed. */
  chat(req: LlmRequest, signal: AbortSignal): Promise<LlmResult>;
  /**
   * Health probe: resolves when the server can serve `model`; rejects with a ClaudiaError
   * when it cannot (unreachable -> hostDownError; the model missing -> E_LLM_UNAVAILABLE
   * naming the fix, e.g. `ollama pull <model>`).
   */
  health(signal: AbortSignal): Promise<LlmHealth>;
  /** Loads the model with the runner options every call uses (a different num_ctx would reload it later). */
  warmup(req: Pick<LlmRequest, 'model' | 'options' | 'keepAlive'>, signal: AbortSignal): Promise<void>;
  /** Releases connections, engines and timers. Idempotent. */
  close(): Promise<void>;
}

export interface BackendContext {
  config: Readonly<Config>;
  clock: Clock;
  logger: Logger;
}

/** How a backend kind is configured and built. */
export interface BackendFactory {
  readonly kind: BackendKind;
  /** The fleet's members: server URLs (ollama, openai) or in-process engine ids (embedded). */
  hosts(config: Readonly<Config>): string[];
  /** The model name this backend is asked for (also part of cache keys). */
  model(config: Readonly<Config>): string;
  /** Checks this backend's own settings before anything starts; throws ConfigError. */
  validate?(config: Readonly<Config>): void;
  create(host: string, ctx: BackendContext): LlmBackend;
}

const registry = new Map<BackendKind, BackendFactory>();

/** Registers the implementation of a backend kind (the built-in ones register in ./backends). */
export function registerBackend(factory: BackendFactory): void {
  registry.set(factory.kind, factory);
}

/** The registered factory of a kind; undefined when that backend is not built in. */
export function registeredBackend(kind: BackendKind): BackendFactory | undefined {
  return registry.get(kind);
}

type HostDown = ClaudiaError & { hostDown?: true };

/** The server cannot be reached at all: the fleet takes the host out at once. */
export function hostDownError(host: string, what: string, cause?: unknown): ClaudiaError {
  const msg = cause instanceof Error ? (cause.cause instanceof Error ? `${cause.message}: ${cause.cause.message}` : cause.message) : cause === undefined ? '' : String(cause);
  const e: HostDown = new ClaudiaError('E_LLM_UNAVAILABLE', `${what} at ${host} is unreachable${msg ? ` (${msg})` : ''}`, { cause });
  e.hostDown = true;
  return e;
}

/** True when an error means the host is gone (take it out, move its work elsewhere). */
export function isHostFailure(err: unknown): boolean {
  return err instanceof ClaudiaError && err.code === 'E_LLM_UNAVAILABLE' && (err as HostDown).hostDown === true;
}

/** The output of this one call is unusable; the host is fine. */
export function badOutputError(host: string, message: string, cause?: unknown): ClaudiaError {
  return new ClaudiaError('E_LLM_BAD_OUTPUT', `LLM at ${host}: ${message}`, { cause });
}

/**
 * Connection-level failures of fetch (undici) and Node sockets: refused, reset, closed,
 * DNS, TLS. Anything else (an HTTP status, an `{"error"}` line, a parse error) is not a
 * dead host. undici reports them as a TypeError ("fetch failed", "terminated") whose cause
 * carries the socket error code.
 */
export function isConnectionFailure(err: unknown): boolean {
  const e = err as { name?: string; message?: string; code?: string; cause?: { code?: string } } | undefined;
  if (!e || typeof e !== 'object') return false;
  const code = e.code ?? e.cause?.code ?? '';
  if (/^(ECONNREFUSED|ECONNRESET|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|UND_ERR_SOCKET|UND_ERR_CLOSED|UND_ERR_CONNECT_TIMEOUT|ERR_SSL_\w+|CERT_\w+)$/.test(code)) return true;
  return e.name === 'TypeError' && /^(fetch failed|terminated)$/.test(e.message ?? '');
}
