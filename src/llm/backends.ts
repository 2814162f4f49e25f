import type { Config } from '../config/types';
import { ConfigError } from '../util/errors';
import { registerBackend, registeredBackend, type BackendFactory } from './backend';
import { embeddedBackendFactory } from './embedded/embedded-backend';
import { ollamaBackendFactory } from './ollama-backend';
import { openaiBackendFactory } from './openai-backend';

registerBackend(ollamaBackendFactory);
registerBackend(openaiBackendFactory);
registerBackend(embeddedBackendFactory);

/** The factory of the backend `llm.backend` names; E_CONFIG when that backend is not built in. */
export function backendFactoryFor(config: Readonly<Config>): BackendFactory {
  const f = registeredBackend(config.llm.backend);
  if (!f) throw new ConfigError(`llm.backend '${config.llm.backend}' is not available in this build; use ollama or openai`);
  return f;
}

/** The configured backend's own checks (ConfigError); a backend not built in is refused later, when the LLM path is built. */
export function validateBackendSettings(config: Readonly<Config>): void {
  registeredBackend(config.llm.backend)?.validate?.(config);
}

/** The model name the configured backend is asked for (part of every cache key). */
export function llmModelName(config: Readonly<Config>): string {
  return backendFactoryFor(config).model(config);
}
