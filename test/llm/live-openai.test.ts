import { liveConfig, liveSuite } from './live-suite';

/**
 * Runs only against a real OpenAI-compatible server (llama-server, vLLM, TensorRT-LLM) named
 * by OPENAI_BASE_URL, with the model it serves in OPENAI_MODEL (and OPENAI_API_KEY if it
 * wants one).
 */
liveSuite('llm live: a real OpenAI-compatible server (OPENAI_BASE_URL + OPENAI_MODEL)', async () => {
  const base = process.env['OPENAI_BASE_URL'];
  const model = process.env['OPENAI_MODEL'];
  if (!base || !model) return { skipReason: `${base ? 'OPENAI_MODEL' : 'OPENAI_BASE_URL'} is not set, so no real OpenAI-compatible server to test against` };
  try {
    const r = await fetch(`${base.replace(/\/+$/, '')}${/\/v\d+$/.test(base.replace(/\/+$/, '')) ? '' : '/v1'}/models`, { signal: AbortSignal.timeout(2000), headers: { Authorization: `Bearer ${process.env['OPENAI_API_KEY'] ?? 'sk-no-key-required'}` } });
    if (r.headers.get('x-simulator') && !process.env['LIVE_ALLOW_SIMULATOR']) return { skipReason: `${base} is the project's simulator, not a real server` };
  } catch (err) {
    return { skipReason: `OPENAI_BASE_URL=${base} does not answer /v1/models (${(err as Error).message})` };
  }
  return { skipReason: '', config: liveConfig(base, { llm: { backend: 'openai', openai_model: model } }) };
});
