import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Logger } from '../util/logger';
import type { WsDropReason, WsRejectReason } from './metrics';

export interface WsLimits {
  maxClients: number;
  /** Bytes a client may have queued unread before it is dropped. */
  maxBufferedBytes: number;
  /** Largest frame a client may send (the page sends nothing but pings). */
  maxPayloadBytes: number;
  /** A client that does not answer a ping within this interval is dropped. */
  pingIntervalMs: number;
}

export const DEFAULT_WS_LIMITS: WsLimits = { maxClients: 32, maxBufferedBytes: 1 << 20, maxPayloadBytes: 1024, pingIntervalMs: 15_000 };

export interface WsHub {
  /** Takes an upgrade the HTTP layer already authorised. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  refuse(socket: Duplex, status: number, reason: WsRejectReason): void;
  broadcast(msg: unknown): void;
  clientCount(): number;
  close(): Promise<void>;
}

interface Client {
  ws: WebSocket;
  alive: boolean;
}

/**
 * The dashboard's WebSocket fan-out. Bounded in every direction: a fixed number of clients
 * (pending handshakes included), tiny inbound frames, and per-client send buffers; a client
 * that sends anything but a ping, stops reading or stops answering pings is dropped, so no
 * client can make the node hold memory or time for it.
 */
export function createWsHub(deps: {
  limits: WsLimits;
  logger: Logger;
  hello: () => unknown;
  onReject: (reason: WsRejectReason) => void;
  onDrop: (reason: WsDropReason) => void;
  onCount: (n: number) => void;
}): WsHub {
  const { limits } = deps;
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes, perMessageDeflate: false, clientTracking: false });
  const clients = new Set<Client>();
  let pending = 0;
  let closed = false;

  const drop = (c: Client, reason: WsDropReason) => {
    if (!clients.delete(c)) return;
    deps.onDrop(reason);
    deps.onCount(clients.size);
    c.ws.terminate();
  };

  const send = (c: Client, data: string) => {
    if (c.ws.readyState !== c.ws.OPEN) return;
    if (c.ws.bufferedAmount + data.length > limits.maxBufferedBytes) return drop(c, 'slow_reader');
    c.ws.send(data, (err) => {
      if (err) drop(c, 'slow_reader');
    });
  };

  const onMessage = (c: Client, data: RawData, isBinary: boolean) => {
    // The page only ever sends {"type":"ping"}; anything else is a client we do not want.
    const text = isBinary ? '' : data.toString();
    let ok = false;
    try {
      ok = (JSON.parse(text) as { type?: unknown })?.type === 'ping';
    } catch {
      ok = false;
    }
    if (ok) send(c, '{"type":"pong"}');
    else drop(c, 'garbage');
  };

  const pinger = setInterval(() => {
    for (const c of [...clients]) {
      if (!c.alive) {
        drop(c, 'pong_timeout');
        continue;
      }
      c.alive = false;
      try {
        c.ws.ping();
      } catch {
        drop(c, 'pong_timeout');
      }
    }
  }, limits.pingIntervalMs);
  pinger.unref();

  return {
    upgrade(req, socket, head) {
      if (closed || clients.size + pending >= limits.maxClients) return this.refuse(socket, 503, 'capacity');
      // Pending handshakes count against the limit, so a burst cannot overshoot it.
      pending++;
      let settled = false;
      const settle = () => {
        if (!settled) {
          settled = true;
          pending--;
        }
      };
      socket.on('error', () => undefined);
      // A handshake that ws itself refuses (bad version or key) never calls back; its socket closes.
      socket.once('close', settle);
      wss.handleUpgrade(req, socket, head, (ws) => {
        settle();
        if (closed) {
          ws.terminate();
          return;
        }
        const c: Client = { ws, alive: true };
        clients.add(c);
        deps.onCount(clients.size);
        ws.on('pong', () => void (c.alive = true));
        ws.on('message', (data, isBinary) => onMessage(c, data, isBinary));
        // ws reports bad frames (reserved opcodes, unmasked, oversized) as errors, then closes.
        ws.on('error', (err: Error & { code?: string }) => drop(c, err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'payload' : 'garbage'));
        ws.on('close', () => {
          if (clients.delete(c)) deps.onCount(clients.size);
        });
        send(c, JSON.stringify(deps.hello()));
      });
    },
    refuse(socket, status, reason) {
      deps.onReject(reason);
      const text = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : 'Service Unavailable';
      socket.on('error', () => undefined);
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
    },
    broadcast(msg) {
      if (clients.size === 0) return;
      const data = JSON.stringify(msg);
      for (const c of [...clients]) send(c, data);
    },
    clientCount: () => clients.size,
    async close() {
      closed = true;
      clearInterval(pinger);
      for (const c of [...clients]) c.ws.terminate();
      clients.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
