export * from './types';
export { DEFAULT_CONFIG } from './defaults';
export { loadConfig, configWith, readParamsFile, parseParamsYaml, parseParamAssignment, applyParams, packageConfigDir, configSource } from './load';
export type { ParamMap, LoadOptions, DeepPartial, ConfigSource } from './load';
export { parseOllamaHost } from './ollama-host';
export { validateConfig } from './validate';
