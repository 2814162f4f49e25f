import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import Redis, { Cluster } from 'ioredis';
import { parseHostPort, redisTopology, type RedisMode, type RedisTopology } from '../../src/cache/redis-connection';
import { DEFAULT_CONFIG } from '../../src/config/defaults';
import type { Config } from '../../src/config/types';
import { freePort, rawClient, REDIS_URL, scanNode, startRedisServer, stopProcess } from './helpers';

/**
 * Real Redis high-availability set-ups for the tests: redis-server processes on free
 * loopback ports, nothing on disk but a temp dir (sentinel.conf, cluster nodes files),
 * everything killed and removed by `stop()`. Timeouts are tuned low (sentinel
 * down-after 300 ms, cluster-node-timeout 1000 ms) so a failover takes ~1-3 s.
 */
const run = promisify(execFile);

export interface RedisSet {
  dir: string;
  procs: Map<number, ChildProcess>;
  stop(): Promise<void>;
  kill(port: number): Promise<void>;
}

function newSet(prefix: string): RedisSet {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const procs = new Map<number, ChildProcess>();
  return {
    dir,
    procs,
    async kill(port) {
      const p = procs.get(port);
      if (p) await stopProcess(p);
    },
    async stop() {
      await Promise.all([...procs.values()].map((p) => stopProcess(p)));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function redisAt(port: number): Promise<Redis> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  await r.connect();
  return r;
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

async function info(port: number, section: string): Promise<string> {
  const r = await redisAt(port);
  try {
    return await r.info(section);
  } finally {
    r.disconnect();
  }
}

export interface SentinelSet extends RedisSet {
  masterPort: number;
  replicaPort: number;
  sentinelPort: number;
  name: string;
  /** host:port of the master the sentinel names now. */
  master(): Promise<string>;
}

/** A master, one replica and one sentinel (quorum 1) watching them. */
export async function startSentinelSet(name = 'claudia'): Promise<SentinelSet> {
  const set = newSet('claudia-sentinel-');
  try {
    const masterPort = await freePort();
    const replicaPort = await freePort();
    const sentinelPort = await freePort();
    set.procs.set(masterPort, await startRedisServer(masterPort));
    set.procs.set(replicaPort, await startRedisServer(replicaPort, ['--replicaof', '127.0.0.1', String(masterPort)]));
    await until('replica in sync', 5000, async () => (/master_link_status:up/.test(await info(replicaPort, 'replication')) ? true : undefined));
    const conf = path.join(set.dir, 'sentinel.conf');
    fs.writeFileSync(
      conf,
      [
        `port ${sentinelPort}`,
        'bind 127.0.0.1',
        `dir ${set.dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${masterPort} 1`,
        `sentinel down-after-milliseconds ${name} 300`,
        `sentinel failover-timeout ${name} 1000`,
        `sentinel parallel-syncs ${name} 1`,
        '',
      ].join('\n'),
    );
    set.procs.set(sentinelPort, spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' }));
    const master = async () => {
      const s = await redisAt(sentinelPort);
      try {
        const [host, port] = (await s.call('SENTINEL', 'get-master-addr-by-name', name)) as [string, string];
        return `${host}:${port}`;
      } finally {
        s.disconnect();
      }
    };
    // Ready once the sentinel knows the master and has found the replica through it.
    await until('sentinel sees the replica', 8000, async () => {
      const s = await redisAt(sentinelPort);
      try {
        const replicas = (await s.call('SENTINEL', 'replicas', name)) as string[][];
        return replicas.length > 0 ? true : undefined;
      } finally {
        s.disconnect();
      }
    });
    return { ...set, masterPort, replicaPort, sentinelPort, name, master };
  } catch (err) {
    await set.stop();
    throw err;
  }
}

export interface ClusterSet extends RedisSet {
  ports: number[];
  /** Seeds for the client. */
  seeds: string[];
  /** port -> { id, role, master id } as CLUSTER NODES says now (asked of a live node). */
  nodes(): Promise<Array<{ id: string; port: number; master: boolean; masterId: string; slots: string[]; failed: boolean }>>;
  waitOk(timeoutMs: number): Promise<void>;
}

/** Six nodes: three masters with one replica each, cluster-node-timeout 1000 ms. */
export async function startCluster(): Promise<ClusterSet> {
  const set = newSet('claudia-cluster-');
  try {
    const ports: number[] = [];
    for (let i = 0; i < 6; i++) ports.push(await freePort());
    await Promise.all(
      ports.map(async (p) => {
        set.procs.set(
          p,
          await startRedisServer(p, ['--cluster-enabled', 'yes', '--cluster-config-file', path.join(set.dir, `nodes-${p}.conf`), '--cluster-node-timeout', '1000', '--dir', set.dir]),
        );
      }),
    );
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'], { timeout: 30_000 });
    const alive = () => ports.filter((p) => set.procs.get(p)?.exitCode === null && set.procs.get(p)?.signalCode === null);
    const nodes: ClusterSet['nodes'] = async () => {
      const r = await redisAt(alive()[0] as number);
      try {
        const text = (await r.call('CLUSTER', 'NODES')) as string;
        return text
          .trim()
          .split('\n')
          .map((line) => {
            const f = line.split(' ');
            const flags = f[2] ?? '';
            return {
              id: f[0] ?? '',
              port: Number((f[1] ?? '').split('@')[0]?.split(':')[1]),
              master: flags.includes('master'),
              masterId: f[3] ?? '-',
              slots: f.slice(8),
              failed: flags.includes('fail'),
            };
          });
      } finally {
        r.disconnect();
      }
    };
    const waitOk = async (timeoutMs: number) => {
      await until('cluster_state:ok on every live node', timeoutMs, async () => {
        for (const p of alive()) {
          const r = await redisAt(p);
          try {
            if (!/cluster_state:ok/.test((await r.call('CLUSTER', 'INFO')) as string)) return undefined;
          } finally {
            r.disconnect();
          }
        }
        // And every replica has a live link, so writes made now reach it.
        const ns = await nodes();
        if (ns.filter((n) => n.master && !n.failed).length !== 3) return undefined;
        for (const n of ns.filter((x) => !x.master && !x.failed)) {
          if (!/master_link_status:up/.test(await info(n.port, 'replication'))) return undefined;
        }
        return true;
      });
    };
    await waitOk(15_000);
    return { ...set, ports, seeds: ports.slice(0, 3).map((p) => `127.0.0.1:${p}`), nodes, waitOk };
  } catch (err) {
    await set.stop();
    throw err;
  }
}

/** Blocks until `replicas` replicas acknowledged every write made on `port` so far. */
export async function waitReplicated(port: number, replicas = 1, timeoutMs = 3000): Promise<number> {
  const r = await redisAt(port);
  try {
    return (await r.call('WAIT', String(replicas), String(timeoutMs))) as number;
  } finally {
    r.disconnect();
  }
}

/**
 * One Redis to run a suite against, in any mode: `single` is the shared server at
 * 127.0.0.1:6379, `sentinel` and `cluster` are started here. `raw()` is a client without
 * the key prefix (for checking and planting values), `scanKeys` covers every master.
 */
export interface RedisTarget {
  mode: RedisMode;
  cache: Partial<Config['cache']>;
  topology: RedisTopology;
  url: string;
  raw(): Promise<Redis | Cluster>;
  scanKeys(prefix: string): Promise<string[]>;
  deletePrefix(prefix: string): Promise<number>;
  stop(): Promise<void>;
}

export async function startTarget(mode: RedisMode): Promise<RedisTarget> {
  let cache: Partial<Config['cache']>;
  let stop = async () => undefined as void;
  let raw: () => Promise<Redis | Cluster>;
  if (mode === 'sentinel') {
    const s = await startSentinelSet();
    cache = { redis_mode: 'sentinel', redis_sentinels: [`127.0.0.1:${s.sentinelPort}`], redis_sentinel_name: s.name };
    stop = () => s.stop();
    raw = async () => {
      const r = new Redis({ sentinels: [{ host: '127.0.0.1', port: s.sentinelPort }], name: s.name, lazyConnect: true, maxRetriesPerRequest: 1 });
      await r.connect();
      return r;
    };
  } else if (mode === 'cluster') {
    const c = await startCluster();
    cache = { redis_mode: 'cluster', redis_cluster_nodes: c.seeds };
    stop = () => c.stop();
    raw = async () => {
      const r = new Cluster(c.seeds.map(parseHostPort), { lazyConnect: true });
      await r.connect();
      return r;
    };
  } else {
    cache = { redis_mode: 'single', redis_url: REDIS_URL };
    raw = () => rawClient(REDIS_URL);
  }
  const full = { ...DEFAULT_CONFIG.cache, ...cache };
  const scanKeys = async (prefix: string) => {
    const r = await raw();
    try {
      const out: string[] = [];
      for (const node of r instanceof Cluster ? r.nodes('master') : [r]) out.push(...(await scanNode(node, prefix)));
      return out;
    } finally {
      r.disconnect();
    }
  };
  return {
    mode,
    cache,
    topology: redisTopology(full),
    url: full.redis_url,
    raw,
    scanKeys,
    async deletePrefix(prefix) {
      const keys = await scanKeys(prefix);
      const r = await raw();
      try {
        let n = 0;
        // One DEL per key: a cluster refuses a multi-key DEL across slots.
        for (const k of keys) n += await r.del(k);
        return n;
      } finally {
        r.disconnect();
      }
    },
    stop,
  };
}
