import { parseOllamaHost } from '../../src/config/ollama-host';
import { createOllamaClient } from '../../src/llm';
import { liveConfig, liveSuite } from './live-suite';

/**
 * Runs only against a real Ollama named by OLLAMA_HOST (model: OLLAMA_MODEL, else the
 * config's). test/setup.ts moves OLLAMA_HOST to CLAUDIA_LIVE_OLLAMA_HOST so no other test
 * sees it; it is parsed as Ollama does.
 */
liveSuite('llm live: a real Ollama (OLLAMA_HOST)', async () => {
  const host = parseOllamaHost(process.env['CLAUDIA_LIVE_OLLAMA_HOST'] ?? process.env['OLLAMA_HOST']);
  if (!host) return { skipReason: 'OLLAMA_HOST is not set, so no real Ollama to test against' };
  try {
    const version = await createOllamaClient({ host }).version(AbortSignal.timeout(2000));
    if (version.includes('simulator') && !process.env['LIVE_ALLOW_SIMULATOR']) return { skipReason: `${host} is the project's simulator, not a real Ollama` };
  } catch (err) {
    return { skipReason: `OLLAMA_HOST=${host} does not answer /api/version (${(err as Error).message})` };
  }
  const model = process.env['OLLAMA_MODEL'];
  return { skipReason: '', config: liveConfig(host, { ollama: model ? { model } : {} }) };
});
