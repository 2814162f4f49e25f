import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from '../util/logger';
import type { AccessVerdict } from './access';
import type { Asset } from './static-assets';
import type { WsHub } from './ws-hub';

/** The page may load only its own files and talk only to its own server. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface HttpDeps {
  registry: Registry;
  assets: Map<string, Asset>;
  hub: WsHub;
  access: (req: IncomingMessage, url: URL) => AccessVerdict;
  health: () => { healthy: boolean; body: unknown };
  logger: Logger;
  /** Total TCP connections (scrapes, pages, sockets); more are refused by the kernel accept path. */
  maxConnections: number;
}

/**
 * /metrics, /healthz, the dashboard page and its assets, and the /ws upgrade. Every request
 * is bounded: short header and request timeouts, GET/HEAD only, no body read, fixed routes.
 */
export function createHttpServer(deps: HttpDeps): Server {
  const server = createServer({ requestTimeout: 10_000, headersTimeout: 5_000, keepAliveTimeout: 5_000, maxHeaderSize: 8192, connectionsCheckingInterval: 1_000 }, (req, res) => {
    handle(deps, req, res).catch((err: unknown) => {
      deps.logger.warn('monitor request failed', { error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  });
  server.maxConnections = deps.maxConnections;
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    socket.destroy();
  });
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    socket.on('error', () => undefined);
    const url = parseUrl(req);
    if (!url || url.pathname !== '/ws') return deps.hub.refuse(socket, 404, 'path');
    const v = deps.access(req, url);
    if (!v.ok) return deps.hub.refuse(socket, v.status, v.reason);
    deps.hub.upgrade(req, socket, head);
  });
  return server;
}

async function handle(deps: HttpDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = parseUrl(req);
  if (!url) return send(res, 400, 'text/plain; charset=utf-8', 'bad request\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
  }
  const asset = deps.assets.get(url.pathname);
  // Static assets are public code (no data); the page, metrics, health and the socket need access.
  if (asset && url.pathname.startsWith('/static/')) return send(res, 200, asset.type, asset.body, 'public, max-age=300');
  const v = deps.access(req, url);
  if (!v.ok) {
    if (v.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="claudia_llm"');
    return send(res, v.status, 'text/plain; charset=utf-8', v.status === 401 ? 'token required: Authorization: Bearer <metrics.token> or ?token=\n' : 'forbidden\n');
  }
  if (asset) return send(res, 200, asset.type, asset.body);
  if (url.pathname === '/metrics') {
    const body = await deps.registry.metrics();
    return send(res, 200, deps.registry.contentType, body);
  }
  if (url.pathname === '/healthz') {
    const h = deps.health();
    return send(res, h.healthy ? 200 : 503, 'application/json; charset=utf-8', JSON.stringify(h.body));
  }
  return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, cache = 'no-store'): void {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', cache);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function parseUrl(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://monitor.invalid');
  } catch {
    return undefined;
  }
}
