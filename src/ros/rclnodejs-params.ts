import type { Config } from '../config/types';
import * as path from 'node:path';
import { configSource, packageConfigDir, type ParamMap } from '../config/load';
import { PARAM_TYPE, type RclNode, type RclnodejsApi } from './rclnodejs-api';

/** The config as a flat ROS parameter map (`ollama.model` -> value), the inverse of applyParams. */
export function configToParams(config: Readonly<Config>): ParamMap {
  const out: ParamMap = new Map();
  for (const [section, values] of Object.entries(config)) {
    for (const [key, value] of Object.entries(values as Record<string, unknown>)) out.set(`${section}.${key}`, value);
  }
  return out;
}

/** The ROS parameter type for a config value; an override's own type wins for numbers. */
export function paramTypeOf(value: unknown, overrideType?: number): number {
  if (Array.isArray(value)) return PARAM_TYPE.STRING_ARRAY;
  switch (typeof value) {
    case 'boolean':
      return PARAM_TYPE.BOOL;
    case 'number':
      if (overrideType === PARAM_TYPE.INTEGER || overrideType === PARAM_TYPE.DOUBLE) return overrideType;
      return Number.isInteger(value) ? PARAM_TYPE.INTEGER : PARAM_TYPE.DOUBLE;
    default:
      return PARAM_TYPE.STRING;
  }
}

/**
 * Declares every config key as a ROS parameter with the value the node runs with (file,
 * `--ros-args -p` and params files were already applied by the config loader), so
 * `ros2 param list/get` shows them. Changes at run time are refused: the config is frozen
 * and components were built from it; the reason says to restart.
 */
export function declareConfigParameters(
  rcl: RclnodejsApi,
  node: RclNode,
  config: Readonly<Config>,
): { declared: string[]; differing: string[]; failed: Array<{ name: string; error: string }> } {
  const overrides = new Map(node.getParameterOverrides().map((p) => [p.name, p]));
  const declared: string[] = [];
  const differing: string[] = [];
  const failed: Array<{ name: string; error: string }> = [];
  for (const [name, raw] of configToParams(config)) {
    const override = overrides.get(name);
    const value = shownValue(name, raw);
    const type = paramTypeOf(value, override?.type);
    try {
      // The config value wins (ignoreOverride): it already holds the overrides the CLI parsed;
      // one rcl saw but the config did not is reported, not silently half-applied.
      node.declareParameter(new rcl.Parameter(name, type, Array.isArray(value) ? [...value] : value), undefined, true);
      declared.push(name);
    } catch (err) {
      failed.push({ name, error: (err as Error).message });
      continue;
    }
    if (override && !isSecret(name) && !holdsOverride(config, name, override.value, raw)) differing.push(name);
  }
  node.addOnSetParametersCallback(() => ({
    successful: false,
    reason: 'claudia_llm reads its parameters at start-up; set them in the params file or with --ros-args -p and restart the node',
  }));
  return { declared, differing, failed };
}

/**
 * Whether the running config holds what rcl read for `name` (the params file given to rcl,
 * `--ros-args -p`). A named flag (`--transport`, `--ollama-host`) wins over both by design,
 * and OLLAMA_HOST only ever set hosts that no params file set. A relative actions_file is
 * relative to the file that names it, as the config loader resolves it.
 */
function holdsOverride(config: Readonly<Config>, name: string, given: unknown, held: unknown): boolean {
  const source = configSource(config, name);
  if (source !== undefined && (source.startsWith('--') || source === 'OLLAMA_HOST')) return true;
  if (name === 'robot.actions_file' && typeof given === 'string' && !path.isAbsolute(given) && given !== '') {
    const base = source?.startsWith('params file ') ? path.dirname(source.slice('params file '.length)) : source === 'default' ? packageConfigDir() : process.cwd();
    return path.resolve(base, given) === held;
  }
  return JSON.stringify(given) === JSON.stringify(held);
}

/** Access tokens are not readable through `ros2 param get`: only whether one is set. */
function isSecret(name: string): boolean {
  return /(^|[._])(token|password|secret)$/.test(name);
}

export function shownValue(name: string, value: unknown): unknown {
  if (isSecret(name)) return value ? '(set)' : '';
  // Anything rcl parameters cannot hold (objects, mixed arrays) is shown as JSON text.
  if (Array.isArray(value) && !value.every((v) => typeof v === 'string')) return JSON.stringify(value);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return JSON.stringify(value);
  return value ?? '';
}
