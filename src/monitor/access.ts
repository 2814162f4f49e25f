import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export type AccessVerdict = { ok: true } | { ok: false; status: 401 | 403; reason: 'auth' | 'origin' };

/**
 * Who may read the monitor. Without a token only loopback clients get in (the default bind
 * is 127.0.0.1 anyway); with a token every client must present it (`Authorization: Bearer`
 * or `?token=`). Browsers add two checks: a WebSocket from another site's page (Origin
 * differs from Host) is refused, and without a token the Host must be loopback or an IP
 * literal, so DNS rebinding cannot turn an operator's browser into a reader.
 */
export function createAccessCheck(token: string): (req: IncomingMessage, url: URL) => AccessVerdict {
  const want = token ? digest(token) : undefined;
  return (req, url) => {
    if (!sameOrigin(req)) return { ok: false, status: 403, reason: 'origin' };
    if (want) {
      const given = bearer(req) ?? url.searchParams.get('token') ?? '';
      return given && timingSafeEqual(digest(given), want) ? { ok: true } : { ok: false, status: 401, reason: 'auth' };
    }
    if (!isLoopback(req.socket.remoteAddress)) return { ok: false, status: 403, reason: 'auth' };
    if (!hostIsSafe(req.headers.host)) return { ok: false, status: 403, reason: 'origin' };
    return { ok: true };
  };
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

function hostIsSafe(host: string | undefined): boolean {
  if (!host) return true; // HTTP/1.0 clients (curl --http1.0, some scrapers)
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return name === 'localhost' || isIP(name) !== 0;
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
