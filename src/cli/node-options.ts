import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load';
import type { Config } from '../config/types';
import { BadInputError } from '../util/errors';

/**
 * Options every node-starting command shares (run, query, record, replay): they all read
 * config the same way — params file, then `--ros-args -p`, then these flags.
 */
export const NODE_OPTIONS = {
  params: { type: 'string' },
  transport: { type: 'string' },
  'metrics-port': { type: 'string' },
  'ollama-host': { type: 'string' },
  model: { type: 'string' },
  'initial-posture': { type: 'string' },
  'log-level': { type: 'string' },
  'no-llm': { type: 'boolean' },
  redis: { type: 'string' },
  param: { type: 'string', multiple: true, short: 'p' },
} as const;

export interface RosArgs {
  namespace?: string;
  nodeName?: string;
  remap: Map<string, string>;
  params: Array<[string, unknown]>;
  paramsFiles: string[];
}

/** Splits `--ros-args ... [--]` off argv (ROS passes it after the program's own arguments). */
export function splitRosArgs(argv: string[]): { own: string[]; ros: string[] } {
  const i = argv.indexOf('--ros-args');
  if (i < 0) return { own: argv, ros: [] };
  const end = argv.indexOf('--', i + 1);
  return { own: [...argv.slice(0, i), ...(end < 0 ? [] : argv.slice(end + 1))], ros: argv.slice(i, end < 0 ? undefined : end) };
}

export type NodeFlags = { [K in keyof typeof NODE_OPTIONS]?: (typeof NODE_OPTIONS)[K]['type'] extends 'boolean' ? boolean : K extends 'param' ? string[] : string };

/** Config from the params file, `--ros-args`, `-p name=value` and the named flags (in that order). */
export function configFromFlags(flags: NodeFlags, ros: RosArgs | undefined): Readonly<Config> {
  const overrides: Array<[string, unknown]> = [];
  if (ros) overrides.push(...ros.params);
  for (const p of flags.param ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new BadInputError(`-p expects name=value, got '${p}'`);
    overrides.push([p.slice(0, eq).replace(/:$/, ''), parseScalar(p.slice(eq + 1))]);
  }
  if (flags.transport) overrides.push(['transport.kind', flags.transport]);
  if (flags['metrics-port'] !== undefined) overrides.push(['metrics.port', Number(flags['metrics-port'])]);
  if (flags['ollama-host']) overrides.push(['ollama.hosts', flags['ollama-host'].split(',')]);
  if (flags.model) overrides.push(['ollama.model', flags.model]);
  if (flags['initial-posture']) overrides.push(['robot.initial_posture', flags['initial-posture']]);
  if (flags['log-level']) overrides.push(['log.level', flags['log-level']]);
  if (flags['no-llm']) overrides.push(['ollama.enabled', false]);
  if (flags.redis !== undefined) {
    overrides.push(['cache.redis_enabled', flags.redis !== '' && flags.redis !== 'off']);
    if (flags.redis !== '' && flags.redis !== 'off') overrides.push(['cache.redis_url', flags.redis]);
  }
  if (ros?.namespace) overrides.push(['node.namespace', ros.namespace.startsWith('/') ? ros.namespace : `/${ros.namespace}`]);
  if (ros?.nodeName) overrides.push(['node.name', ros.nodeName]);
  const paramsFile = flags.params ?? ros?.paramsFiles.at(-1);
  return loadConfig({ paramsFile, overrides, nodeName: ros?.nodeName });
}

function parseScalar(v: string): unknown {
  if (v === 'true' || v === 'false') return v === 'true';
  if (v !== '' && Number.isFinite(Number(v))) return Number(v);
  return v;
}

export function parseNodeArgs<T extends Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>>(argv: string[], extra: T) {
  const { own, ros } = splitRosArgs(argv);
  const parsed = parseArgs({ args: own, options: { ...NODE_OPTIONS, ...extra }, allowPositionals: true, strict: true });
  return { values: parsed.values as unknown as NodeFlags & Record<keyof T, unknown>, positionals: parsed.positionals, ros };
}
