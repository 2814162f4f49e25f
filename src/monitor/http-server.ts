import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { createServer, type IncomingMessage } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from '../util/logger';
import type { AccessPolicy, AccessVerdict } from './access';
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

/**
 * Who may call a route: `public` (static assets: code, no data), `read` (pages, metrics,
 * health, read-only API) or `motion` (endpoints that move or stop the robot).
 */
export type AccessKind = 'public' | 'read' | 'motion';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: AccessKind;
  }
}

/** Routes a way in adds to the node's server (the HTTP API); runs inside its own encapsulated scope. */
export type HttpPlugin = (app: FastifyInstance) => Promise<void>;

export interface HttpDeps {
  registry: Registry;
  assets: Map<string, Asset>;
  hub: WsHub;
  access: AccessPolicy;
  health: () => { healthy: boolean; body: unknown };
  logger: Logger;
  /** Total TCP connections (scrapes, pages, sockets); more are refused by the kernel accept path. */
  maxConnections: number;
  plugins?: HttpPlugin[];
}

/**
 * The node's one HTTP server, on fastify: /metrics, /healthz, the dashboard page and its
 * assets, the /ws upgrade, and the routes of plugins (the HTTP API). Every request is
 * bounded (short header and request timeouts, fixed routes); access is decided in one
 * onRequest hook from each route's `access` kind, before any body is read.
 */
export async function createHttpServer(deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    forceCloseConnections: true,
    return503OnClosing: true,
    // Schemas say what a field must be; nothing is silently converted or dropped.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false } },
    serverFactory: (handler) => {
      const srv = createServer({ requestTimeout: 10_000, headersTimeout: 5_000, keepAliveTimeout: 5_000, maxHeaderSize: 8192, connectionsCheckingInterval: 1_000 }, handler);
      srv.maxConnections = deps.maxConnections;
      return srv;
    },
  });

  const methods = new Map<string, Set<string>>();
  app.addHook('onRoute', (r) => {
    const set = methods.get(r.url) ?? new Set<string>();
    for (const m of [r.method].flat()) set.add(m);
    methods.set(r.url, set);
  });

  app.addHook('onRequest', async (req, reply) => {
    const kind: AccessKind = req.routeOptions.config?.access ?? 'read';
    if (kind === 'public') return;
    const v: AccessVerdict = kind === 'motion' ? deps.access.motion(req.raw) : deps.access.read(req.raw, parseUrl(req.raw));
    if (v.ok) return;
    if (v.status === 401) reply.header('WWW-Authenticate', 'Bearer realm="claudia_llm"');
    return sendError(req, reply, v.status, 'E_BAD_INPUT', v.message);
  });

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Content-Security-Policy', CSP);
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
    return payload;
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) deps.logger.warn('http request failed', { error: err.message, url: req.url.slice(0, 200) });
    const code = (err as { claudiaCode?: string }).claudiaCode ?? (status === 429 ? 'E_QUEUE_FULL' : status >= 500 ? 'E_INTERNAL' : 'E_BAD_INPUT');
    return sendError(req, reply, status, code, status >= 500 ? 'internal error; see the node log' : err.message);
  });

  app.setNotFoundHandler((req, reply) => {
    const path = parseUrl(req.raw).pathname;
    const allowed = methods.get(path);
    if (allowed && !allowed.has(req.method)) {
      reply.header('Allow', [...allowed].join(', '));
      return sendError(req, reply, 405, 'E_BAD_INPUT', `${req.method} is not allowed on ${path}; use ${[...allowed].join(' or ')}`);
    }
    return sendError(req, reply, 404, 'E_BAD_INPUT', `no such endpoint ${path.slice(0, 100)}; see /openapi.json`);
  });

  for (const [route, asset] of deps.assets) {
    // Static assets are public code (no data); the page itself needs access.
    const isStatic = route.startsWith('/static/');
    app.get(route, { config: { access: isStatic ? 'public' : 'read' } }, async (_req, reply) => {
      reply.type(asset.type);
      if (isStatic) reply.header('Cache-Control', 'public, max-age=300');
      return reply.send(asset.body);
    });
  }
  app.get('/metrics', async (_req, reply) => {
    const body = await deps.registry.metrics();
    return reply.type(deps.registry.contentType).send(body);
  });
  app.get('/healthz', async (_req, reply) => {
    const h = deps.health();
    return reply.code(h.healthy ? 200 : 503).type('application/json; charset=utf-8').send(JSON.stringify(h.body));
  });

  for (const plugin of deps.plugins ?? []) await app.register(plugin);

  app.server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    socket.on('error', () => undefined);
    const url = parseUrl(req);
    if (url.pathname !== '/ws') return deps.hub.refuse(socket, 404, 'path');
    const v = deps.access.read(req, url);
    if (!v.ok) return deps.hub.refuse(socket, v.status, v.reason);
    deps.hub.upgrade(req, socket, head);
  });
  return app;
}

/**
 * Every refusal says what to change. The API's clients get JSON with a project error code;
 * the monitor's own routes (browsers, scrapers) keep plain text.
 */
export function sendError(req: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  reply.code(status);
  if (req.url.startsWith('/v1/') || req.url.startsWith('/openapi')) {
    return reply.type('application/json; charset=utf-8').send({ error: `${code}: ${message}`, code, message });
  }
  return reply.type('text/plain; charset=utf-8').send(`${message}\n`);
}

function parseUrl(req: IncomingMessage): URL {
  try {
    return new URL(req.url ?? '/', 'http://monitor.invalid');
  } catch {
    return new URL('http://monitor.invalid/');
  }
}
