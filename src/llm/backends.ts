import type { Config } from '../config/types';
import { ConfigError } from '../util/errors';
import { registerBackend, registeredBackend, type BackendFactory } from './backend';
import { embeddedBackendFactory } from './embedded/embedded-backend';
import { ollamaBackendFactory } from './ollama-backend';

registerBackend(ollamaBackendFactory);
registerBackend(embeddedBackendFactory);

/** The factory of the backend `llm.backend` names; E_CONFIG when that backend is not built in. */
export function backendFactoryFor(config: Readonly<Config>): BackendFactory {
  const f = registeredBackend(config.llm.backend);
  if (!f) throw new ConfigError(`llm.backend '${config.llm.backend}' is not available in this build; use ollama or openai`);
  return f;
}

/** The model name the configured backend is asked for (part of every cache key). */
export function llmModelName(config: Readonly<Config>): string {
  return backendFactoryFor(config).model(config);
}
