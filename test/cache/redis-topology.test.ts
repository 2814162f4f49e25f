import { expect } from 'chai';
import { createHash } from 'node:crypto';
import Redis, { Cluster } from 'ioredis';
import { exactKey, versionTag } from '../../src/cache/cache-key';
import { slotGroup } from '../../src/cache/cache-key';
import { createRedisConnection, describeTarget, parseHostPort, SINGLE } from '../../src/cache/redis-connection';
import { configWith } from '../../src/config/load';
import { analyse } from '../../src/lang';
import { ConfigError } from '../../src/util/errors';

/** Config, key and client construction for the three Redis modes (no server needed). */
describe('cache/redis modes: config, keys and clients', () => {
  const on = (over: Record<string, unknown>) => configWith({ cache: { redis_enabled: true, ...over } });

  it('single mode keys are unchanged; cluster keys carry a two-digit hash tag over the same hash', () => {
    const a = analyse('座って', 'ja');
    const tag = versionTag('v');
    const single = exactKey(tag, a, '');
    const cluster = exactKey(tag, a, '', true);
    expect(single).to.match(/^[0-9a-f]{12}:ja:auto:[0-9a-f]{32}$/);
    // The digests are SHA-256 of the version and of the normalised text, whichever way they
    // are computed: nodes of a fleet on different builds keep finding each other's keys.
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(single).to.equal(`${sha('v').slice(0, 12)}:ja:auto:${sha(a.normalised).slice(0, 32)}`);
    expect(slotGroup(single)).to.equal('');
    expect(cluster).to.equal(single.replace(/:([0-9a-f]{2})([0-9a-f]{30})$/, ':{$1}$2'));
    expect(slotGroup(cluster)).to.equal(single.slice(-32, -30));
    // Redis' own rule: an empty {} is no tag; only the first {...} counts.
    expect(slotGroup('a{}b')).to.equal('');
    expect(slotGroup('a{x}{y}')).to.equal('x');
  });

  it('validates the mode, the host:port lists (port at 65535 ok, 65536 refused) and what each mode needs', () => {
    expect(on({ redis_mode: 'sentinel', redis_sentinels: ['10.0.0.5:65535'] }).cache.redis_mode).to.equal('sentinel');
    expect(() => on({ redis_mode: 'sentinel', redis_sentinels: ['10.0.0.5:65536'] })).to.throw(ConfigError, /cache\.redis_sentinels entry "10\.0\.0\.5:65536" is not host:port/);
    expect(() => on({ redis_mode: 'cluster', redis_cluster_nodes: ['10.0.0.5'] })).to.throw(ConfigError, /cache\.redis_cluster_nodes entry "10\.0\.0\.5" is not host:port/);
    expect(() => on({ redis_mode: 'replicated' })).to.throw(ConfigError, /cache\.redis_mode must be one of single, sentinel, cluster/);
    expect(() => on({ redis_mode: 'sentinel' })).to.throw(ConfigError, /needs cache\.redis_sentinels/);
    expect(() => on({ redis_mode: 'sentinel', redis_sentinels: ['h:1'], redis_sentinel_name: '' })).to.throw(ConfigError, /needs cache\.redis_sentinel_name/);
    expect(() => on({ redis_mode: 'cluster' })).to.throw(ConfigError, /needs cache\.redis_cluster_nodes/);
    expect(() => on({ redis_mode: 'cluster', redis_cluster_nodes: ['h:1'], redis_key_prefix: 'app{1}:' })).to.throw(ConfigError, /must not contain \{ or \} in cluster mode/);
    // Braces are fine outside cluster mode; lists may be empty while Redis is off.
    expect(on({ redis_key_prefix: 'app{1}:' }).cache.redis_key_prefix).to.equal('app{1}:');
    expect(configWith({ cache: { redis_mode: 'cluster' } }).cache.redis_mode).to.equal('cluster');
  });

  it('builds a Redis for single and sentinel and a Cluster for cluster, all lazy with no offline queue', () => {
    const base = { url: 'redis://:pw@127.0.0.1:1/0', commandTimeoutMs: 50, connectTimeoutMs: 100, retryStrategy: () => 100 };
    const single = createRedisConnection({ ...SINGLE, ...base });
    const sentinel = createRedisConnection({ ...SINGLE, ...base, mode: 'sentinel', sentinels: ['127.0.0.1:2', '127.0.0.1:3'], sentinelName: 'm', password: 'x' });
    const cluster = createRedisConnection({ ...SINGLE, ...base, mode: 'cluster', clusterNodes: ['127.0.0.1:4'] });
    try {
      expect(single).to.be.instanceOf(Redis);
      expect(single.options).to.include({ enableOfflineQueue: false, commandTimeout: 50, lazyConnect: true, maxRetriesPerRequest: 0 });
      // Per command, auto-pipelining costs a one-command Pipeline on the next setImmediate and
      // ioredis' keyPrefix a command-table lookup: the tier prefixes keys itself, every mode.
      for (const c of [single, sentinel]) expect((c as Redis).options).to.include({ enableAutoPipelining: false, keyPrefix: '' });
      expect((cluster as Cluster).options.enableAutoPipelining).to.equal(false);
      expect((cluster as Cluster).options.keyPrefix ?? '').to.equal('');
      expect((sentinel as Redis).options.sentinels).to.deep.equal([{ host: '127.0.0.1', port: 2 }, { host: '127.0.0.1', port: 3 }]);
      expect((sentinel as Redis).options).to.include({ name: 'm', password: 'x', enableOfflineQueue: false });
      expect((sentinel as Redis).options.reconnectOnError?.(new Error('READONLY You can\'t write against a read only replica.'))).to.equal(true);
      expect((sentinel as Redis).options.reconnectOnError?.(new Error('ERR other'))).to.equal(false);
      expect(cluster).to.be.instanceOf(Cluster);
      expect((cluster as Cluster).options).to.include({ enableOfflineQueue: false, lazyConnect: true });
      expect((cluster as Cluster).options.redisOptions).to.include({ enableOfflineQueue: false });
      // One timer per command: ioredis' in single mode; in sentinel and cluster mode the tier's race alone.
      expect((cluster as Cluster).options.redisOptions?.commandTimeout).to.equal(undefined);
      expect((sentinel as Redis).options.commandTimeout).to.equal(undefined);
      expect(single.status).to.equal('wait');
    } finally {
      for (const c of [single, sentinel, cluster]) c.disconnect();
    }
    expect(parseHostPort('10.0.0.5:26379')).to.deep.equal({ host: '10.0.0.5', port: 26379 });
    expect(describeTarget({ ...SINGLE, ...base })).to.equal('redis://:***@127.0.0.1:1/0');
    expect(describeTarget({ ...SINGLE, ...base, mode: 'cluster', clusterNodes: ['a:1', 'b:2'] })).to.equal('cluster via a:1,b:2');
  });
});
