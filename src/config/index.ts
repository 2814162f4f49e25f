export * from './types';
export { DEFAULT_CONFIG } from './defaults';
export { loadConfig, configWith, readParamsFile, parseParamsYaml, parseParamAssignment, applyParams, packageConfigDir } from './load';
export type { ParamMap, LoadOptions, DeepPartial } from './load';
export { validateConfig } from './validate';
