import { openaiBaseUrl } from '../llm/openai-backend';

/** One quick look at the configured Ollama hosts, so start-up can say plainly whether the LLM is there. */
export async function probeOllama(
  hosts: readonly string[],
  timeoutMs: number,
  backend: 'ollama' | 'openai' = 'ollama',
): Promise<{ reachable: boolean; host?: string; version?: string; simulator?: boolean; error?: string }> {
  let lastError = 'no host configured';
  for (const h of hosts) {
    const base = (h.includes('://') ? h : `http://${h}`).replace(/\/$/, '');
    try {
      // An OpenAI-compatible server (llm.backend openai) has no /api/version: /v1/models answers once its model is loaded.
      const res = await fetch(backend === 'openai' ? `${openaiBaseUrl(base)}/models` : `${base}/api/version`, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) {
        lastError = `HTTP ${res.status}`;
        continue;
      }
      if (backend === 'openai') return { reachable: true, host: base, version: 'OpenAI-compatible', simulator: res.headers.get('x-simulator') !== null };
      const body = (await res.json()) as { version?: string; simulator?: boolean };
      return { reachable: true, host: base, version: body.version ?? '?', simulator: body.simulator === true || /sim/i.test(body.version ?? '') };
    } catch (err) {
      lastError = (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (err as Error).message;
    }
  }
  return { reachable: false, error: lastError };
}
