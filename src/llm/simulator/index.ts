export { createOllamaSimulator, SIMULATOR_VERSION } from './simulator';
export { FAST_PROFILE, JETSON_PROFILE, FIXED_PROFILE, PROFILES, profileByName } from './profiles';
export { conformToSchema, validatesAgainst } from './schema-value';
export { DEFAULT_REPLIES, GARBAGE_CONTENT } from './answer';
export { countTokens, splitTokens, commonPrefixLength } from './tokens';
export { renderChat } from './render-prompt';
export { SIM_MODES } from './types';
export type { LatencyProfile, SimScriptEntry, SimMode, SimStats, OllamaSimulator, OllamaSimulatorOptions } from './types';
