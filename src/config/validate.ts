import { ConfigError } from '../util/errors';
import { keepAliveForOllama } from '../util/go-duration';
import type { Config } from './types';

const ENUMS: Record<string, readonly string[]> = {
  'transport.kind': ['memory', 'dds', 'rclnodejs'],
  'robot.initial_posture': ['unknown', 'standing', 'sitting', 'lying', 'damp'],
  'language.default': ['ja', 'zh', 'en'],
  'language.japanese_analyser': ['light', 'kuromoji'],
  'prompt.default_type': ['auto', 'dialog', 'command', 'technical', 'emergency'],
  'log.level': ['debug', 'info', 'warn', 'error'],
  'topics.battery_type': ['sensor_msgs/msg/BatteryState', ''],
  'llm.backend': ['ollama', 'openai', 'embedded'],
  'robot.arbitration': ['newest_wins', 'queue'],
  'service.reply_at': ['decision', 'completion'],
  'cache.redis_mode': ['single', 'sentinel', 'cluster'],
};

/** Throws ConfigError naming the parameter and what it must be; runs before anything connects. */
export function validateConfig(cfg: Config): void {
  const get = (name: string): unknown => {
    const [s, k] = name.split('.') as [string, string];
    return (cfg as unknown as Record<string, Record<string, unknown>>)[s]?.[k];
  };
  for (const [name, allowed] of Object.entries(ENUMS)) {
    const v = get(name);
    if (typeof v !== 'string' || !allowed.includes(v)) {
      throw new ConfigError(`${name} must be one of ${allowed.join(', ')}; got ${JSON.stringify(v)}`);
    }
  }
  const atLeast = (name: string, min: number) => {
    const v = get(name);
    if (typeof v !== 'number' || !(v >= min)) throw new ConfigError(`${name} must be >= ${min}; got ${JSON.stringify(v)}`);
  };
  const between = (name: string, lo: number, hi: number) => {
    const v = get(name);
    if (typeof v !== 'number' || v < lo || v > hi) throw new ConfigError(`${name} must be between ${lo} and ${hi}; got ${JSON.stringify(v)}`);
  };
  atLeast('node.utterance_window_s', 1);
  atLeast('node.utterance_memory_bytes', 64 * 1024);
  atLeast('node.cross_topic_window_ms', 0);
  atLeast('node.shutdown_timeout_s', 0.1);
  atLeast('ollama.num_parallel', 1);
  atLeast('ollama.num_ctx', 256);
  atLeast('ollama.request_timeout_s', 0.1);
  between('llm.threads', 0, 1024);
  if (!Number.isInteger(cfg.llm.threads)) throw new ConfigError(`llm.threads must be a whole number of threads (0 = every core); got ${cfg.llm.threads}`);
  atLeast('cache.memory_max_entries', 1);
  atLeast('cache.memory_max_bytes', 1024);
  atLeast('cache.ttl_s', 1);
  atLeast('cache.redis_command_timeout_ms', 1);
  atLeast('cache.redis_max_entries', 1);
  between('cache.semantic_threshold', 0, 1);
  atLeast('language.max_input_chars', 1);
  for (const lane of ['urgent', 'high', 'medium', 'low']) {
    atLeast(`sched.lane_max_${lane}`, 1);
    atLeast(`sched.deadline_${lane}_s`, 0.1);
  }
  atLeast('robot.move_rate_hz', 1);
  atLeast('robot.response_timeout_s', 0.05);
  atLeast('robot.settle_ms', 0);
  atLeast('robot.sequence_pause_ms', 0);
  atLeast('robot.move_max_duration_s', 0.1);
  between('safety.high_risk_min_confidence', 0, 1);
  between('safety.max_actions_per_request', 1, 20);
  between('metrics.port', 0, 65535);
  atLeast('metrics.max_ws_clients', 1);
  atLeast('diagnostics.rate_hz', 0.1);
  atLeast('transport.dds_domain_id', 0);
  // An 8 MB utterance (a pasted document) must reach the pipeline, so the limit never goes below it.
  atLeast('http.max_body_bytes', 8 * 1024 * 1024);
  atLeast('http.rate_limit_max', 1);
  atLeast('http.rate_limit_window_s', 0.1);
  if (!cfg.node.namespace.startsWith('/')) throw new ConfigError(`node.namespace must start with '/'; got '${cfg.node.namespace}'`);
  try {
    keepAliveForOllama(cfg.ollama.keep_alive);
  } catch (err) {
    throw new ConfigError(`ollama.keep_alive must be a number of seconds (-1 = forever, 0 = unload at once) or a Go duration such as "30m" or "1h30m"; got ${JSON.stringify(cfg.ollama.keep_alive)} (${(err as Error).message})`);
  }
  validateRedisTopology(cfg.cache);
  if (cfg.ollama.enabled && cfg.ollama.hosts.length === 0) throw new ConfigError('ollama.hosts must list at least one host (or set ollama.enabled false)');
  for (const h of cfg.ollama.hosts) {
    try {
      new URL(h.includes('://') ? h : `http://${h}`);
    } catch {
      throw new ConfigError(`ollama.hosts entry '${h}' is not a host URL like http://127.0.0.1:11434`);
    }
  }
}

/** Sentinel and cluster modes need their node lists, each entry a host:port. */
function validateRedisTopology(c: Config['cache']): void {
  const lists: Array<[string, unknown]> = [
    ['cache.redis_sentinels', c.redis_sentinels],
    ['cache.redis_cluster_nodes', c.redis_cluster_nodes],
  ];
  for (const [name, v] of lists) {
    if (!Array.isArray(v)) throw new ConfigError(`${name} must be a list of host:port; got ${JSON.stringify(v)}`);
    for (const e of v) {
      if (typeof e !== 'string' || !/^[^\s:]+:\d{1,5}$/.test(e) || Number(e.slice(e.lastIndexOf(':') + 1)) > 65535) {
        throw new ConfigError(`${name} entry ${JSON.stringify(e)} is not host:port (e.g. 10.0.0.5:26379)`);
      }
    }
  }
  if (!c.redis_enabled) return;
  if (c.redis_mode === 'sentinel' && c.redis_sentinels.length === 0) throw new ConfigError('cache.redis_mode sentinel needs cache.redis_sentinels (host:port list)');
  if (c.redis_mode === 'sentinel' && !c.redis_sentinel_name) throw new ConfigError('cache.redis_mode sentinel needs cache.redis_sentinel_name');
  // A brace in the prefix would become every key's hash tag and put the whole cache in one slot.
  if (c.redis_mode === 'cluster' && /[{}]/.test(c.redis_key_prefix)) throw new ConfigError(`cache.redis_key_prefix must not contain { or } in cluster mode; got ${JSON.stringify(c.redis_key_prefix)}`);
  if (c.redis_mode === 'cluster' && c.redis_cluster_nodes.length === 0) throw new ConfigError('cache.redis_mode cluster needs cache.redis_cluster_nodes (host:port list)');
}
