import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { DEFAULT_CONFIG } from '../../src/config/defaults';
import type { Config } from '../../src/config/types';
import { analyse } from '../../src/lang';
import type { Decision, Request } from '../../src/pipeline/types';

export const REDIS_URL = 'redis://127.0.0.1:6379/0';

export function cacheConfig(over: Partial<Config['cache']> = {}): Config {
  const c = structuredClone(DEFAULT_CONFIG);
  c.cache = { ...c.cache, ...over };
  return c;
}

export function uniquePrefix(tag: string): string {
  return `claudia-test:${tag}:${process.pid}:${randomBytes(4).toString('hex')}:`;
}

export function req(text: string, hint = '', over: Partial<Request> = {}): Request {
  return {
    id: 'r-test', utteranceId: 'u-test', origin: 'cli', analysed: analyse(text, hint), confidence: -1, promptType: '', sessionId: '',
    priority: 0, dryRun: false, timeoutMs: 5000, receivedAt: 0, epoch: 0, ...over,
  };
}

export function llmDecision(action: string, reply: string, language: Decision['language'] = 'ja'): Decision {
  return { actions: action ? [{ name: action }] : [], reply, language, source: 'llm', cacheable: true };
}

export async function scanKeys(prefix: string, url = REDIS_URL): Promise<string[]> {
  const r = await rawClient(url);
  try {
    return await scanNode(r, prefix);
  } finally {
    await r.quit();
  }
}

/** Every key of one server (one cluster node) under the prefix, by SCAN. */
export async function scanNode(r: Redis, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    out.push(...keys);
  } while (cursor !== '0');
  return out;
}

/** Deletes every key under the prefix (SCAN + DEL; the raw client has no keyPrefix). */
export async function deletePrefix(prefix: string, url = REDIS_URL): Promise<number> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await r.connect();
  let n = 0;
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) n += await r.del(...keys);
  } while (cursor !== '0');
  await r.quit();
  return n;
}

export async function rawClient(url = REDIS_URL): Promise<Redis> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await r.connect();
  return r;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts a throw-away redis-server and resolves once it accepts commands. Its working directory is a
 * fresh temporary one: a replica writes the RDB of its full sync there even with `--save ''`, and
 * that file must never land in the clone (an `extra` `--dir` still wins, the last one counts).
 */
export async function startRedisServer(port: number, extra: string[] = []): Promise<ChildProcess> {
  const dir = mkdtempSync(join(tmpdir(), `claudia-redis-${port}-`));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra];
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  child.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const deadline = Date.now() + 5000;
  for (;;) {
    const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => undefined);
    try {
      await r.connect();
      await r.ping();
      r.disconnect();
      return child;
    } catch {
      r.disconnect();
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`redis-server on port ${port} did not start`);
      }
      await new Promise((res) => setTimeout(res, 50));
    }
  }
}

export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}
