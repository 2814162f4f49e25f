import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { hostname } from 'node:os';

export type AccessVerdict = { ok: true } | { ok: false; status: 401 | 403; reason: 'auth' | 'origin'; message: string };

export interface AccessPolicy {
  /** The monitor's pages, metrics, health and socket, and the API's read-only endpoints. */
  read(req: IncomingMessage, url: URL): AccessVerdict;
  /** Endpoints that move (or stop) the robot: stricter, see createAccessPolicy. */
  motion(req: IncomingMessage): AccessVerdict;
}

const TOKEN_HINT = 'send Authorization: Bearer <metrics.token>';

/**
 * Who may use the node's HTTP server.
 *
 * Reading (dashboard, /metrics, /healthz, GET /v1/...): without a token only loopback clients
 * get in (the default bind is 127.0.0.1 anyway); with a token every client must present it
 * (`Authorization: Bearer` or `?token=`). A page of another site (Origin differs from Host)
 * is refused, and without a token the Host must be loopback or an IP literal, so DNS
 * rebinding cannot turn an operator's browser into a reader.
 *
 * Motion (POST /v1/query, /v1/stop) must not be reachable from another site's page at all:
 * a foreign Origin (or Sec-Fetch-Site cross-site) is 403, the Host must name this server
 * (its bind address, `http.allowed_hosts`, or an IP literal when bound to every address),
 * token or not, and the token is taken only from the Authorization header, never from the
 * URL, where it would end up in histories, logs and Referer headers.
 */
export function createAccessPolicy(opts: { token: string; bindHost: string; allowedHosts?: string }): AccessPolicy {
  const want = opts.token ? digest(opts.token) : undefined;
  const hostOk = hostMatcher(opts.bindHost, opts.allowedHosts ?? '');
  const tokenOk = (given: string | undefined) => !!want && !!given && timingSafeEqual(digest(given), want);
  return {
    read(req, url) {
      if (!sameOrigin(req)) return refuse(403, 'origin', 'a page of another site may not use this server (Origin differs from Host)');
      if (want) return tokenOk(bearer(req) ?? url.searchParams.get('token') ?? '') ? { ok: true } : refuse(401, 'auth', `token required: ${TOKEN_HINT} or ?token=`);
      if (!isLoopback(req.socket.remoteAddress)) return refuse(403, 'auth', 'only local clients may connect without a token; set metrics.token');
      if (!hostIsLiteral(req.headers.host)) return refuse(403, 'origin', 'Host must be localhost or an IP address');
      return { ok: true };
    },
    motion(req) {
      if (!sameOrigin(req) || req.headers['sec-fetch-site'] === 'cross-site') {
        return refuse(403, 'origin', 'a page of another site may not drive the robot (foreign Origin); call from the dashboard or a non-browser client');
      }
      const host = req.headers.host;
      if (!host || !hostOk(hostName(host))) {
        return refuse(403, 'origin', `Host '${String(host ?? '').slice(0, 100)}' does not name this server; use its address ${opts.bindHost} or add the name to http.allowed_hosts`);
      }
      if (want) {
        if (tokenOk(bearer(req))) return { ok: true };
        return refuse(401, 'auth', `token required: ${TOKEN_HINT} (motion endpoints never read ?token= from the URL)`);
      }
      if (!isLoopback(req.socket.remoteAddress)) return refuse(403, 'auth', 'only local clients may connect without a token; set metrics.token');
      return { ok: true };
    },
  };
}

/** The read rule alone (the dashboard socket and the monitor's routes). */
export function createAccessCheck(token: string): (req: IncomingMessage, url: URL) => AccessVerdict {
  const p = createAccessPolicy({ token, bindHost: '127.0.0.1' });
  return (req, url) => p.read(req, url);
}

function refuse(status: 401 | 403, reason: 'auth' | 'origin', message: string): AccessVerdict {
  return { ok: false, status, reason, message };
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(\S{1,512})\s*$/i.exec(h);
  return m?.[1];
}

export function isLoopback(addr: string | undefined): boolean {
  if (!addr) return false;
  const a = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/** The name part of a Host header: `[::1]:8002` -> `::1`, `Go2.local:80` -> `go2.local`. */
function hostName(host: string): string {
  const name = host.startsWith('[') ? host.slice(1, Math.max(1, host.indexOf(']'))) : host.replace(/:\d*$/, '');
  return name.toLowerCase().replace(/\.$/, '');
}

function hostIsLiteral(host: string | undefined): boolean {
  if (!host) return true; // HTTP/1.0 clients (curl --http1.0, some scrapers)
  const name = hostName(host);
  return name === 'localhost' || isIP(name) !== 0;
}

/**
 * Which Host names name this server. DNS rebinding needs a name the attacker controls, so
 * IP literals are safe whenever the server listens on them; names must be ours.
 */
function hostMatcher(bindHost: string, allowed: string): (name: string) => boolean {
  const bind = hostName(bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost);
  const extra = new Set(allowed.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean));
  const wildcard = bind === '0.0.0.0' || bind === '::' || bind === '';
  const loopback = bind === 'localhost' || isLoopback(bind);
  const names = new Set<string>([bind, ...extra]);
  if (loopback) names.add('localhost').add('127.0.0.1').add('::1');
  if (wildcard) names.add('localhost').add(hostname().toLowerCase());
  return (name) => names.has(name) || (isIP(name) !== 0 && (wildcard || (loopback && isLoopback(name))));
}

function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (typeof origin !== 'string') return true; // not a browser
  if (origin === 'null' || !req.headers.host) return false;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
