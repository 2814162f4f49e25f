/** One quick look at the configured Ollama hosts, so start-up can say plainly whether the LLM is there. */
export async function probeOllama(
  hosts: readonly string[],
  timeoutMs: number,
): Promise<{ reachable: boolean; host?: string; version?: string; simulator?: boolean; error?: string }> {
  let lastError = 'no host configured';
  for (const h of hosts) {
    const base = (h.includes('://') ? h : `http://${h}`).replace(/\/$/, '');
    try {
      const res = await fetch(`${base}/api/version`, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) {
        lastError = `HTTP ${res.status}`;
        continue;
      }
      const body = (await res.json()) as { version?: string; simulator?: boolean };
      return { reachable: true, host: base, version: body.version ?? '?', simulator: body.simulator === true || /sim/i.test(body.version ?? '') };
    } catch (err) {
      lastError = (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (err as Error).message;
    }
  }
  return { reachable: false, error: lastError };
}
