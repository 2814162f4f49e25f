import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { createApp, type App } from '../../src/app';
import type { Config } from '../../src/config';
import { configWith } from '../../src/config/load';
import { ddsAddonPath } from '../../src/ros/dds-addon';
import type { DdsTransport } from '../../src/ros/dds-transport';
import { createSystemClock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';

const ROOT = path.resolve(__dirname, '..', '..');
export const PEER = path.join(ROOT, 'test', 'peer', 'build', 'claudia_peer');

/** Loopback-only Cyclone configuration (lo, unicast discovery to 127.0.0.1); see the file. */
export const LOOPBACK_CONFIG = path.join(ROOT, 'test', 'peer', 'cyclonedds-loopback.xml');

export interface DdsTestEnv {
  /** Why the DDS tests cannot run here; undefined when they can. */
  skip?: string;
  peerSkip?: string;
  domainId: number;
  env: NodeJS.ProcessEnv;
}

let cached: DdsTestEnv | undefined;

/**
 * Builds what the DDS tests need (addon, peer) when Cyclone is installed, and points this
 * process and the peers at the loopback configuration. The domain id differs per process so
 * parallel runs on one machine do not meet.
 */
export function prepareDdsEnv(): DdsTestEnv {
  if (cached) return cached;
  const domainId = 100 + (process.pid % 100);
  const file = LOOPBACK_CONFIG;
  // Set before this process creates any participant: Cyclone reads it when the domain starts.
  process.env.CYCLONEDDS_URI = `file://${file}`;
  const env = { ...process.env, CYCLONEDDS_URI: `file://${file}`, ROS_DOMAIN_ID: String(domainId) };
  let skip: string | undefined;
  if (!existsSync(ddsAddonPath())) {
    const r = spawnSync('sh', [path.join(ROOT, 'scripts', 'build-dds-addon.sh')], { encoding: 'utf8', timeout: 240_000 });
    if (!existsSync(ddsAddonPath())) skip = `dds addon not available: ${(r.stdout + r.stderr).trim().split('\n').slice(-3).join(' | ')}`;
  }
  let peerSkip: string | undefined;
  if (!existsSync(PEER)) {
    const r = spawnSync('sh', [path.join(ROOT, 'scripts', 'build-peer.sh')], { encoding: 'utf8', timeout: 120_000 });
    if (!existsSync(PEER)) peerSkip = `Cyclone interop peer not available: ${(r.stdout + r.stderr).trim().split('\n').slice(-3).join(' | ')}`;
  }
  cached = { skip, peerSkip: skip ?? peerSkip, domainId, env };
  return cached;
}

export interface PeerRun {
  code: number | null;
  lines: Array<Record<string, unknown>>;
  stderr: string;
}

/** Runs the peer with a hard time limit; its stdout is one JSON object per line. */
export function runPeer(env: DdsTestEnv, args: string[], opts: { limitMs?: number; onLine?: (l: Record<string, unknown>) => void } = {}): Promise<PeerRun> {
  return new Promise((resolve) => {
    const child = spawn(PEER, args, { env: env.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: Array<Record<string, unknown>> = [];
    let out = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      let i: number;
      while ((i = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, i).trim();
        out = out.slice(i + 1);
        if (!line) continue;
        const obj = JSON.parse(line) as Record<string, unknown>;
        lines.push(obj);
        opts.onLine?.(obj);
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.limitMs ?? 15_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (out.trim()) lines.push(JSON.parse(out.trim()) as Record<string, unknown>);
      resolve({ code, lines, stderr });
    });
  });
}

/** Polls until `cond` holds, bounded in time. */
export async function until(cond: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The whole node on the dds transport, reflex-only (no LLM, no cache, no metrics), no robot pauses. */
export async function startDdsNode(env: DdsTestEnv, robot: Partial<Config['robot']> = {}): Promise<{ app: App; transport: DdsTransport }> {
  const config = configWith({
    transport: { kind: 'dds', dds_domain_id: env.domainId },
    ollama: { enabled: false },
    cache: { enabled: false },
    robot: { settle_ms: 0, sequence_pause_ms: 0, response_timeout_s: 2, ...robot },
    metrics: { enabled: false },
  });
  const app = await createApp(config, { clock: createSystemClock(), logger: createSilentLogger(), llm: null, cache: null });
  await app.start();
  return { app, transport: app.transport as DdsTransport };
}
