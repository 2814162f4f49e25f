/** Error codes callers branch on; the message says what to change. */
export type ErrorCode =
  | 'E_CONFIG'
  | 'E_BAD_INPUT'
  | 'E_SAFETY_REJECTED'
  | 'E_LLM_UNAVAILABLE'
  | 'E_LLM_TIMEOUT'
  | 'E_LLM_BAD_OUTPUT'
  | 'E_QUEUE_FULL'
  | 'E_ABORTED'
  | 'E_CANCELED'
  | 'E_SUPERSEDED'
  | 'E_TRANSPORT'
  | 'E_CODEC'
  | 'E_BAG'
  | 'E_CACHE'
  | 'E_INTERNAL';

export class ClaudiaError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, opts?: { cause?: unknown }) {
    super(message, opts);
    this.code = code;
    this.name = new.target.name;
  }
  /** The `error` field of LlmQuery and LlmResponse: `CODE: message`. */
  toField(): string {
    return `${this.code}: ${this.message}`;
  }
}

export class ConfigError extends ClaudiaError {
  constructor(message: string) {
    super('E_CONFIG', message);
  }
}

export class BadInputError extends ClaudiaError {
  constructor(message: string) {
    super('E_BAD_INPUT', message);
  }
}

export class AbortedError extends ClaudiaError {
  constructor(message = 'aborted') {
    super('E_ABORTED', message);
  }
}

/** Any thrown value as a ClaudiaError, so every error field has a code. */
export function asClaudiaError(err: unknown, fallback: ErrorCode = 'E_INTERNAL'): ClaudiaError {
  if (err instanceof ClaudiaError) return err;
  if (err instanceof Error && err.name === 'AbortError') return new AbortedError(err.message || 'aborted');
  const message = err instanceof Error ? err.message : String(err);
  return new ClaudiaError(fallback, message, { cause: err });
}
