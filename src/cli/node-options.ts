import { type Command, Option } from 'commander';
import { loadConfig } from '../config/load';
import { validateBackendSettings } from '../llm/backends';
import type { Config } from '../config/types';
import { parseRosArgs, type RosArgs } from '../ros/ros-args';
import { BadInputError } from '../util/errors';
import { collect, integerIn } from './option-parsers';

/** What commander gives a node-starting command for the shared options (camelCase keys). */
export interface NodeOpts {
  params?: string;
  transport?: string;
  metricsPort?: number;
  ollamaHost?: string;
  model?: string;
  initialPosture?: string;
  logLevel?: string;
  /** false with --no-llm. */
  llm?: boolean;
  redis?: string;
  param?: string[];
}

/**
 * The options every node-starting command shares (run, query, record, replay), declared in
 * one place. They all read config the same way: the params file, then `--ros-args -p`, then
 * `-p name=value`, then these named flags.
 */
export function addNodeOptions(cmd: Command, opts: { transportDefault?: string } = {}): Command {
  const transport = new Option('--transport <kind>', 'memory (in-process), dds (Cyclone DDS directly) or rclnodejs (ROS 2)').choices(['memory', 'dds', 'rclnodejs']);
  cmd
    .optionsGroup('Node options (shared by run, query, record, replay):')
    .option('--params <file>', 'ROS 2 params file (default: the package\'s config/params.yaml)')
    .addOption(opts.transportDefault ? transport.default(opts.transportDefault) : transport)
    .option('-p, --param <name=value>', 'set one parameter, e.g. -p cache.ttl_s=60 (repeatable)', collect)
    .option('--ollama-host <urls>', 'Ollama URL(s), comma-separated (wins over OLLAMA_HOST and the params file)')
    .option('--model <name>', 'Ollama model (ollama.model)')
    .addOption(new Option('--initial-posture <posture>', 'posture before the first state message (robot.initial_posture)').choices(['unknown', 'standing', 'sitting', 'lying', 'damp']))
    .addOption(new Option('--log-level <level>', 'log.level').choices(['debug', 'info', 'warn', 'error']))
    .option('--no-llm', 'no LLM: reflexes and caches only (ollama.enabled false)')
    .option('--redis <url|off>', 'Redis URL for the shared cache, or off')
    .option('--metrics-port <n>', 'port of /metrics and the dashboard (metrics.port; 0 = any free port)', integerIn(0, 65535))
    .optionsGroup('Options:');
  return cmd;
}

/** The ROS arguments a command got (`--ros-args ...`), parsed; undefined when there were none. */
export function rosArgsOf(ros: string[]): RosArgs | undefined {
  return ros.length ? parseRosArgs(ros) : undefined;
}

/** Splits `--ros-args ... [--]` off argv (ROS passes it after the program's own arguments). */
export function splitRosArgs(argv: string[]): { own: string[]; ros: string[] } {
  const i = argv.indexOf('--ros-args');
  if (i < 0) return { own: argv, ros: [] };
  const end = argv.indexOf('--', i + 1);
  return { own: [...argv.slice(0, i), ...(end < 0 ? [] : argv.slice(end + 1))], ros: argv.slice(i, end < 0 ? undefined : end) };
}

/**
 * Config from, lowest first: the shipped defaults, OLLAMA_HOST, the params file (`--params`
 * or `--ros-args --params-file`), `--ros-args -p` and `-p name=value`, then the named flags.
 */
export function configFromOptions(opts: NodeOpts, ros: RosArgs | undefined, env: Readonly<Record<string, string | undefined>> = process.env): Readonly<Config> {
  const overrides: Array<[string, unknown]> = [];
  if (ros) overrides.push(...ros.params);
  for (const p of opts.param ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new BadInputError(`-p expects name=value, got '${p}'`);
    overrides.push([p.slice(0, eq).replace(/:$/, ''), parseScalar(p.slice(eq + 1))]);
  }
  const flags: Array<[string, unknown, string]> = [];
  if (opts.transport) flags.push(['transport.kind', opts.transport, '--transport']);
  if (opts.metricsPort !== undefined) flags.push(['metrics.port', opts.metricsPort, '--metrics-port']);
  if (opts.ollamaHost) flags.push(['ollama.hosts', opts.ollamaHost.split(','), '--ollama-host']);
  if (opts.model) flags.push(['ollama.model', opts.model, '--model']);
  if (opts.initialPosture) flags.push(['robot.initial_posture', opts.initialPosture, '--initial-posture']);
  if (opts.logLevel) flags.push(['log.level', opts.logLevel, '--log-level']);
  if (opts.llm === false) flags.push(['ollama.enabled', false, '--no-llm']);
  if (opts.redis !== undefined) {
    const on = opts.redis !== '' && opts.redis !== 'off';
    flags.push(['cache.redis_enabled', on, '--redis']);
    if (on) flags.push(['cache.redis_url', opts.redis, '--redis']);
  }
  if (ros?.namespace) flags.push(['node.namespace', ros.namespace.startsWith('/') ? ros.namespace : `/${ros.namespace}`, '--ros-args -r __ns']);
  if (ros?.nodeName) flags.push(['node.name', ros.nodeName, '--ros-args -r __node']);
  const paramsFile = opts.params ?? ros?.paramsFiles.at(-1);
  const config = loadConfig({ paramsFile, overrides, flags, env, nodeName: ros?.nodeName });
  // The backend's own settings (an embedded engine that is not installed, a missing
  // llm.model_path) are configuration too: refused here with the rest, before anything starts.
  if (config.ollama.enabled) validateBackendSettings(config);
  return config;
}

function parseScalar(v: string): unknown {
  if (v === 'true' || v === 'false') return v === 'true';
  if (v !== '' && Number.isFinite(Number(v))) return Number(v);
  return v;
}
