import { readFileSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../util/errors';
import { DEFAULT_CONFIG } from './defaults';
import { parseOllamaHost } from './ollama-host';
import type { Config } from './types';
import { validateConfig } from './validate';

/** Flat ROS parameter map: `ollama.model` -> value. */
export type ParamMap = Map<string, unknown>;

/** A params file is a few KB; this bound only stops a wrong file from being read without end. */
export const MAX_PARAMS_FILE_BYTES = 1024 * 1024;

/** Keys that would reach Object.prototype through a plain object: never a parameter name. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

function refuseForbidden(name: string, where: string): void {
  const bad = name.split('.').find((part) => FORBIDDEN_KEYS.has(part));
  if (bad !== undefined) throw new ConfigError(`${where} '${name}' is refused: '${bad}' is not a parameter name`);
}

/** Node-name keys accepted in a params file, as ROS 2 does (plus the wildcard). */
const NODE_KEYS = ['/**', '**', 'claudia_llm', '/claudia_llm', '/claudia/claudia_llm', 'claudia/claudia_llm'];

/** Reads a ROS 2 params file (`<node>: ros__parameters: ...`) into a flat parameter map. */
export function readParamsFile(file: string, nodeName = 'claudia_llm'): ParamMap {
  let text: string;
  try {
    // Only a regular file of bounded size: /dev/zero or a FIFO would be read forever.
    const st = statSync(file);
    if (!st.isFile()) throw new ConfigError(`params file ${file} is not a regular file; pass a YAML file`);
    if (st.size > MAX_PARAMS_FILE_BYTES) throw new ConfigError(`params file ${file} is ${st.size} bytes; the limit is ${MAX_PARAMS_FILE_BYTES}`);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`cannot read params file ${file}: ${(err as Error).message}`);
  }
  return parseParamsYaml(text, file, nodeName);
}

export function parseParamsYaml(text: string, where = 'params', nodeName = 'claudia_llm'): ParamMap {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${where} is not valid YAML: ${(err as Error).message}`);
  }
  const out: ParamMap = new Map();
  if (doc === null || doc === undefined) return out;
  if (!isPlainObject(doc)) throw new ConfigError(`${where}: expected a mapping of node names to ros__parameters`);
  const keys = [...NODE_KEYS, nodeName, `/${nodeName}`];
  let found = false;
  for (const [key, block] of Object.entries(doc)) {
    if (!keys.includes(key) && !key.endsWith(`/${nodeName}`)) continue;
    if (!isPlainObject(block) || !isPlainObject(block['ros__parameters'])) {
      throw new ConfigError(`${where}: '${key}' must contain a 'ros__parameters' mapping`);
    }
    found = true;
    flatten(block['ros__parameters'], '', out);
  }
  if (!found) throw new ConfigError(`${where}: no 'ros__parameters' block for node '${nodeName}' (or '/**')`);
  return out;
}

function flatten(obj: Record<string, unknown>, prefix: string, out: ParamMap): void {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    refuseForbidden(key, 'parameter');
    if (isPlainObject(v)) flatten(v, key, out);
    else out.set(key, v);
  }
}

/** `name:=value` (ROS) or `name=value` (CLI); the value is read as a YAML scalar, like ROS does. */
export function parseParamAssignment(arg: string): [string, unknown] {
  const m = /^([A-Za-z_][\w.]*)\s*:?=(.*)$/s.exec(arg);
  if (!m) throw new ConfigError(`parameter '${arg}' must look like name:=value`);
  const [, name, raw] = m as unknown as [string, string, string];
  let value: unknown;
  try {
    value = parseYaml(raw);
  } catch {
    value = raw;
  }
  return [name, value ?? ''];
}

/**
 * Applies parameters over a config. Types follow the defaults: a number parameter accepts
 * numbers, a string list accepts a list (or one string), and unknown names are refused, so
 * a typo in params.yaml fails at start-up instead of being ignored.
 */
export function applyParams(base: Config, params: ParamMap, where = 'parameter'): Config {
  const cfg = structuredClone(base) as unknown as Record<string, Record<string, unknown>>;
  for (const [name, value] of params) {
    refuseForbidden(name, where);
    const dot = name.indexOf('.');
    const section = dot > 0 ? name.slice(0, dot) : '';
    const key = dot > 0 ? name.slice(dot + 1) : name;
    // Own properties only: an inherited name (toString, __proto__) is not a parameter.
    const sec = Object.hasOwn(cfg, section) ? cfg[section] : undefined;
    if (!sec || !Object.hasOwn(sec, key)) throw new ConfigError(`${where} '${name}' is unknown; see config/params.yaml for the list`);
    sec[key] = coerce(name, sec[key], value, where);
  }
  return cfg as unknown as Config;
}

function coerce(name: string, current: unknown, value: unknown, where: string): unknown {
  const bad = (want: string) =>
    new ConfigError(`${where} '${name}' must be ${want}, got ${JSON.stringify(value)}`);
  if (Array.isArray(current)) {
    if (typeof value === 'string') return value === '' ? [] : value.split(',').map((s) => s.trim()).filter(Boolean);
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw bad('a list of strings');
    return value;
  }
  switch (typeof current) {
    case 'number': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) throw bad('a number');
      return n;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw bad('true or false');
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      throw bad('a string');
    default:
      return value;
  }
}

export interface LoadOptions {
  /** The user's params file (`--params`, `--ros-args --params-file`, `params_file:=`); default: only the package's own config/params.yaml. */
  paramsFile?: string;
  /** `--ros-args -p` and `-p name=value`, applied over the params file. */
  overrides?: Array<[string, unknown]>;
  /** Named command-line flags (`--ollama-host` ...), applied last: [parameter, value, flag]. */
  flags?: Array<[string, unknown, string]>;
  /** Where OLLAMA_HOST is read (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  nodeName?: string;
}

/** The package's own config folder (works from src/ under tsx and from dist/ after a build). */
export function packageConfigDir(): string {
  return path.resolve(__dirname, '..', '..', 'config');
}

/** Where a parameter's value came from, for the start-up log (`configSource`). */
export type ConfigSource = 'default' | 'OLLAMA_HOST' | `params file ${string}` | '-p / --ros-args -p' | `--${string}`;

const SOURCES = new WeakMap<object, ReadonlyMap<string, ConfigSource>>();

/** Which layer set `name` in a config loadConfig made (undefined for configs built otherwise). */
export function configSource(config: Readonly<Config>, name: string): ConfigSource | undefined {
  return SOURCES.get(config)?.get(name) ?? (SOURCES.has(config) ? 'default' : undefined);
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/**
 * The config in layers, lowest first: the shipped defaults (DEFAULT_CONFIG and the package's
 * config/params.yaml), then OLLAMA_HOST (Ollama backend only), then the user's params file,
 * then `-p` / `--ros-args -p`, then the named flags (`--ollama-host` ...). Validated and
 * frozen; `configSource()` tells which layer set each parameter. A relative
 * `robot.actions_file` is relative to the file that names it (the working directory for -p).
 */
export function loadConfig(opts: LoadOptions = {}): Readonly<Config> {
  const shipped = path.join(packageConfigDir(), 'params.yaml');
  // The package's own file given explicitly (the launch file's default) is still the defaults.
  const user = opts.paramsFile !== undefined && !sameFile(opts.paramsFile, shipped) ? opts.paramsFile : undefined;
  const sources = new Map<string, ConfigSource>();
  const layer = (cfg: Config, params: ParamMap, where: string, source: ConfigSource, base: string): Config => {
    const out = applyParams(cfg, params, where);
    if (source !== 'default') for (const name of params.keys()) sources.set(name, source);
    if (params.has('robot.actions_file') && !path.isAbsolute(out.robot.actions_file)) out.robot.actions_file = path.resolve(base, out.robot.actions_file);
    return out;
  };
  const shippedFile = opts.paramsFile !== undefined && user === undefined ? opts.paramsFile : shipped;
  let cfg = layer(DEFAULT_CONFIG, readParamsFile(shippedFile, opts.nodeName), `parameter in ${shippedFile}`, 'default', path.dirname(shippedFile));
  if (!path.isAbsolute(cfg.robot.actions_file)) cfg.robot.actions_file = path.join(packageConfigDir(), cfg.robot.actions_file);
  const shippedHosts = cfg.ollama.hosts;
  const hostFromEnv = parseOllamaHost((opts.env ?? process.env)['OLLAMA_HOST']);
  if (hostFromEnv !== undefined) cfg = layer(cfg, new Map([['ollama.hosts', [hostFromEnv]]]), 'OLLAMA_HOST', 'OLLAMA_HOST', process.cwd());
  if (user !== undefined) cfg = layer(cfg, readParamsFile(user, opts.nodeName), `parameter in ${user}`, `params file ${user}`, path.dirname(user));
  if (opts.overrides?.length) cfg = layer(cfg, new Map(opts.overrides), 'override', '-p / --ros-args -p', process.cwd());
  for (const [name, value, flag] of opts.flags ?? []) cfg = layer(cfg, new Map([[name, value]]), flag, flag as ConfigSource, process.cwd());
  // OLLAMA_HOST is Ollama's variable: another backend (openai: llama-server, vLLM) keeps its hosts.
  if (sources.get('ollama.hosts') === 'OLLAMA_HOST' && cfg.llm.backend !== 'ollama') {
    cfg.ollama.hosts = shippedHosts;
    sources.delete('ollama.hosts');
  }
  validateConfig(cfg);
  const frozen = deepFreeze(cfg);
  SOURCES.set(frozen, sources);
  return frozen;
}

/** For tests: defaults plus a partial override object, validated (no file read). */
export function configWith(overrides: DeepPartial<Config> = {}): Readonly<Config> {
  const cfg = structuredClone(DEFAULT_CONFIG) as Config;
  for (const [section, values] of Object.entries(overrides)) {
    const all = cfg as unknown as Record<string, Record<string, unknown>>;
    const sec = Object.hasOwn(all, section) ? all[section] : undefined;
    if (!sec) throw new ConfigError(`unknown config section '${section}'`);
    for (const [k, v] of Object.entries(values as Record<string, unknown>)) {
      if (!Object.hasOwn(sec, k)) throw new ConfigError(`unknown config key '${section}.${k}'`);
      sec[k] = v;
    }
  }
  if (!path.isAbsolute(cfg.robot.actions_file)) cfg.robot.actions_file = path.join(packageConfigDir(), cfg.robot.actions_file);
  validateConfig(cfg);
  return deepFreeze(cfg);
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
