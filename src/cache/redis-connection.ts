import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Config } from '../config/types';

/**
 * One place that turns `cache.redis_*` into an ioredis client: a plain `Redis` for
 * `single` (the URL, as before), `Redis` with `sentinels` for `sentinel` (ioredis asks
 * the sentinels for the master on every reconnect), `Redis.Cluster` for `cluster` (slot map, MOVED/ASK
 * redirections and replica promotion are ioredis' and Redis' own). Every mode keeps the
 * tier's rules: no offline queue, a command timeout (ioredis' in single mode, the tier's own
 * race in the others), no per-request retries, lazy connect.
 * No auto-pipelining: it sends every command through a one-command Pipeline on the next
 * setImmediate (measured: ~5 KB more garbage and 20-30 µs more CPU per GET than a plain
 * command), and the tier's commands are one GET per lookup and one write per store, which
 * gain nothing from batching. No ioredis `keyPrefix` either: the tier prefixes its keys.
 */
export type RedisMode = Config['cache']['redis_mode'];
export type RedisClient = Redis | Cluster;

/** How to reach Redis beyond a `single` URL: the mode and what sentinel/cluster need. */
export interface RedisTopology {
  mode: RedisMode;
  sentinels: string[];
  sentinelName: string;
  clusterNodes: string[];
  password: string;
  sentinelPassword: string;
  tls: boolean;
}

export const SINGLE: RedisTopology = { mode: 'single', sentinels: [], sentinelName: '', clusterNodes: [], password: '', sentinelPassword: '', tls: false };

export interface RedisConnectionOptions extends RedisTopology {
  /** single mode only */
  url: string;
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  retryStrategy: (times: number) => number;
}

export function redisTopology(c: Config['cache']): RedisTopology {
  return {
    mode: c.redis_mode,
    sentinels: c.redis_sentinels,
    sentinelName: c.redis_sentinel_name,
    clusterNodes: c.redis_cluster_nodes,
    password: c.redis_password,
    sentinelPassword: c.redis_sentinel_password,
    tls: c.redis_tls,
  };
}

export function parseHostPort(s: string): { host: string; port: number } {
  const i = s.lastIndexOf(':');
  return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
}

export function createRedisConnection(o: RedisConnectionOptions): RedisClient {
  // One timer per command: ioredis' commandTimeout in single mode; in sentinel and cluster
  // mode the tier races every command against the timeout itself (ioredis can hold a command
  // across a redirection or failover retry beyond its own timer), so ioredis arms none.
  const common: RedisOptions = {
    enableOfflineQueue: false,
    ...(o.mode === 'single' ? { commandTimeout: o.commandTimeoutMs } : {}),
    connectTimeout: o.connectTimeoutMs,
    maxRetriesPerRequest: 0,
    lazyConnect: true,
    ...(o.tls ? { tls: {} } : {}),
  };
  if (o.mode === 'cluster') {
    const options: ClusterOptions = {
      enableOfflineQueue: false,
      lazyConnect: true,
      // Redirections (MOVED/ASK) are followed; a cluster that is down or failing over is
      // retried only within the command timeout the tier puts around each command.
      maxRedirections: 8,
      retryDelayOnFailover: 50,
      retryDelayOnClusterDown: 50,
      retryDelayOnTryAgain: 20,
      slotsRefreshTimeout: Math.max(200, o.connectTimeoutMs),
      // A promoted replica shows up in the slot map within 2 s even if no command hit it.
      slotsRefreshInterval: 2000,
      clusterRetryStrategy: (times) => o.retryStrategy(times),
      redisOptions: { ...common, ...(o.password ? { password: o.password } : {}) },
    };
    return new Cluster(o.clusterNodes.map(parseHostPort), options);
  }
  const tier: RedisOptions = { ...common, retryStrategy: (times) => o.retryStrategy(times) };
  if (o.mode === 'sentinel') {
    return new Redis({
      ...tier,
      sentinels: o.sentinels.map(parseHostPort),
      name: o.sentinelName,
      ...(o.password ? { password: o.password } : {}),
      ...(o.sentinelPassword ? { sentinelPassword: o.sentinelPassword } : {}),
      ...(o.tls ? { enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
      // Every reconnect asks the sentinels for the master. A dead master drops the
      // connection at once; a master demoted behind our back answers writes with READONLY,
      // which reconnects too (the failed write stays failed; requests never wait for it).
      // ioredis' failoverDetector is not used: its sentinel subscribers outlived quit() and
      // kept reconnecting to a stopped sentinel in the tests.
      reconnectOnError: (err) => err.message.startsWith('READONLY'),
      sentinelRetryStrategy: (times) => o.retryStrategy(times),
    });
  }
  return new Redis(o.url, tier);
}

/** Where the client talks to now: host:port of the connected master (single/sentinel) or every cluster master, sorted. */
export function currentMasters(client: RedisClient): string[] {
  if (client instanceof Cluster) return addresses(client.nodes('master'));
  const s = (client as unknown as { stream?: { remoteAddress?: string; remotePort?: number } }).stream;
  return s?.remoteAddress && s.remotePort ? [`${s.remoteAddress}:${s.remotePort}`] : [];
}

/** The cluster replicas the client knows of (none outside cluster mode). */
export function currentReplicas(client: RedisClient): string[] {
  return client instanceof Cluster ? addresses(client.nodes('slave')) : [];
}

function addresses(nodes: Redis[]): string[] {
  return nodes.map((n) => `${n.options.host ?? ''}:${n.options.port ?? ''}`).sort();
}

/** The clients to SCAN: every master of a cluster, else the client itself. */
export function scanTargets(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

/** What to name in logs (never a password). */
export function describeTarget(o: RedisConnectionOptions): string {
  if (o.mode === 'sentinel') return `sentinel ${o.sentinelName} via ${o.sentinels.join(',')}`;
  if (o.mode === 'cluster') return `cluster via ${o.clusterNodes.join(',')}`;
  return redactUrl(o.url);
}

/** A URL without its password, for logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
