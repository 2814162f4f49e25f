import { Readable } from 'node:stream';
import { Agent, request } from 'undici';

/** A `fetch` for the LLM packages (ollama-js, openai) over one keep-alive connection pool. */
export interface LlmHttp {
  readonly fetch: typeof fetch;
  /** Closes the pool's sockets (what is still in flight fails). Idempotent. */
  close(): Promise<void>;
}

/** Statuses whose Response must have no body (the WHATWG Response constructor refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function headerRecord(h: RequestInit['headers']): Record<string, string> | undefined {
  if (h === undefined) return undefined;
  if (Array.isArray(h)) return Object.fromEntries(h);
  if (h instanceof Headers) {
    const out: Record<string, string> = {};
    h.forEach((v, k) => (out[k] = v));
    return out;
  }
  return h as Record<string, string>;
}

/**
 * The packages call `fetch`; Node's global fetch costs about half a millisecond per call
 * more than undici's `request` on loopback (its Request/Headers objects, body extraction,
 * WHATWG stream piping on both sides; bench/llm.ts, docs/llm.md "Overhead"), and every
 * millisecond of it is in front of the first token. This adapter takes the packages' fetch
 * arguments to `undici.request` on a keep-alive Agent of its own and hands back a
 * WHATWG Response over the same body. Errors stay undici's own (ECONNREFUSED,
 * UND_ERR_SOCKET, an AbortError on abort), which `isConnectionFailure` and the packages
 * already read. No connection limit: a health probe never queues behind a long stream.
 */
export function createLlmHttp(): LlmHttp {
  const agent = new Agent();
  let closed: Promise<void> | undefined;
  const llmFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (input instanceof Request) throw new TypeError('llm http: a Request object is not supported, pass a URL and an init');
    const r = await request(input, {
      method: (init?.method ?? 'GET') as 'GET',
      headers: headerRecord(init?.headers),
      body: (init?.body ?? undefined) as string | undefined,
      signal: init?.signal ?? undefined,
      dispatcher: agent,
    });
    const headers: Array<[string, string]> = [];
    for (const [k, v] of Object.entries(r.headers)) {
      if (Array.isArray(v)) for (const x of v) headers.push([k, x]);
      else if (v !== undefined) headers.push([k, v]);
    }
    if (NULL_BODY.has(r.statusCode) || init?.method === 'HEAD') {
      await r.body.dump();
      return new Response(null, { status: r.statusCode, headers });
    }
    return new Response(Readable.toWeb(r.body) as ReadableStream<Uint8Array>, { status: r.statusCode, headers });
  };
  return {
    fetch: llmFetch as typeof fetch,
    close() {
      closed ??= agent.destroy();
      return closed;
    },
  };
}
