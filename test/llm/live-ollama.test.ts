import { createOllamaClient } from '../../src/llm';
import { liveConfig, liveSuite } from './live-suite';

/** Runs only against a real Ollama named by OLLAMA_HOST (model: OLLAMA_MODEL, else the config's). */
liveSuite('llm live: a real Ollama (OLLAMA_HOST)', async () => {
  const h = process.env['OLLAMA_HOST'];
  if (!h) return { skipReason: 'OLLAMA_HOST is not set, so no real Ollama to test against' };
  const host = h.includes('://') ? h : `http://${h}`;
  try {
    const version = await createOllamaClient({ host }).version(AbortSignal.timeout(2000));
    if (version.includes('simulator') && !process.env['LIVE_ALLOW_SIMULATOR']) return { skipReason: `${host} is the project's simulator, not a real Ollama` };
  } catch (err) {
    return { skipReason: `OLLAMA_HOST=${host} does not answer /api/version (${(err as Error).message})` };
  }
  const model = process.env['OLLAMA_MODEL'];
  return { skipReason: '', config: liveConfig(host, { ollama: model ? { model } : {} }) };
});
