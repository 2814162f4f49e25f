import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { createWsHub, type WsHub } from '../../src/monitor/ws-hub';
import { createSilentLogger } from '../../src/util/logger';
import { waitFor } from './helpers';

describe('monitor WebSocket hub', () => {
  let server: Server;
  let hub: WsHub;
  let url: string;
  const drops: string[] = [];

  beforeEach(async () => {
    drops.length = 0;
    hub = createWsHub({
      limits: { maxClients: 4, maxBufferedBytes: 256 * 1024, maxPayloadBytes: 1024, pingIntervalMs: 60_000 },
      logger: createSilentLogger(),
      hello: () => ({ type: 'hello' }),
      onReject: () => undefined,
      onDrop: (r) => void drops.push(r),
      onCount: () => undefined,
    });
    server = createServer();
    server.on('upgrade', (req, socket, head) => hub.upgrade(req, socket, head));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
  });

  afterEach(async () => {
    await hub.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const open = (u = url) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(u);
      ws.once('message', () => resolve(ws)); // the hello
      ws.once('error', reject);
    });

  it('drops a client that stops reading once its send buffer passes the limit; others keep receiving', async () => {
    const slow = await open();
    const fast = await open();
    let fastGot = 0;
    fast.on('message', () => fastGot++);
    (slow as unknown as { _socket: { pause(): void } })._socket.pause();
    const big = { type: 'tick', pad: 'x'.repeat(100 * 1024) };
    for (let i = 0; i < 200 && hub.clientCount() === 2; i++) {
      hub.broadcast(big);
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(drops).to.deep.equal(['slow_reader']);
    expect(hub.clientCount()).to.equal(1);
    await waitFor(() => fastGot > 10, 5000, 'the reading client to keep receiving');
    fast.close();
    slow.terminate();
  });

  it('answers pings and drops clients that send anything else', async () => {
    const ws = await open();
    const pong = new Promise<string>((r) => ws.once('message', (d) => r(d.toString())));
    ws.send('{"type":"ping"}');
    expect(await pong).to.equal('{"type":"pong"}');
    ws.send('{"type":"subscribe","topic":"secrets"}');
    await waitFor(() => hub.clientCount() === 0, 2000, 'drop');
    expect(drops).to.deep.equal(['garbage']);
    const big = await open();
    big.send('x'.repeat(2048));
    await waitFor(() => hub.clientCount() === 0, 2000, 'drop of an oversized frame');
    expect(drops).to.deep.equal(['garbage', 'payload']);
  });

  it('refuses clients beyond the limit with 503', async () => {
    const clients = await Promise.all([1, 2, 3, 4].map(() => open()));
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url);
      ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(status).to.equal(503);
    expect(hub.clientCount()).to.equal(4);
    for (const c of clients) c.close();
    await waitFor(() => hub.clientCount() === 0, 2000, 'clients to leave');
    const again = await open();
    expect(hub.clientCount()).to.equal(1);
    again.close();
  });
});
