import { ClaudiaError } from '../../util/errors';
import type { LatencyProfile } from './types';

/** For tests: everything takes a few milliseconds. */
export const FAST_PROFILE: LatencyProfile = {
  name: 'fast',
  loadMs: 5,
  prefillTokPerS: 200_000,
  decodeTokPerS: 20_000,
  slots: 4,
  queueMax: 512,
  note: 'test profile: milliseconds, no relation to a real model',
};

/**
 * A 1-slot Jetson Orin running Qwen2.5-7B INT4. ASSUMPTIONS, not measurements on this robot:
 * ~22 tok/s decode is the figure published for Orin-class boards; prefill of a few hundred
 * tok/s and a 15-25 s cold load are typical reports. Sanity check: a ~600-token prompt
 * (cold prefix) plus a 40-150 token answer gives ~3-9 s, inside the field data of 3-15 s
 * per call measured by the earlier prototype.
 */
export const JETSON_PROFILE: LatencyProfile = {
  name: 'jetson',
  loadMs: 20_000,
  prefillTokPerS: 400,
  decodeTokPerS: 22,
  slots: 1,
  queueMax: 512,
  note: 'ASSUMED Jetson Orin / Qwen2.5-7B INT4: 22 tok/s decode (published for Orin-class, not measured here), 400 tok/s prefill, 20 s cold load',
};

/** Fixed service time per generation, 4 slots: the throughput benchmark's ideal is slots / service time. */
export const FIXED_PROFILE: LatencyProfile = {
  name: 'fixed',
  loadMs: 0,
  prefillTokPerS: 1e9,
  decodeTokPerS: 1e9,
  fixedServiceMs: 50,
  slots: 4,
  queueMax: 512,
  note: 'fixed 50 ms service time per generation, 4 slots (benchmark profile)',
};

export const PROFILES: Record<string, LatencyProfile> = { fast: FAST_PROFILE, jetson: JETSON_PROFILE, fixed: FIXED_PROFILE };

export function profileByName(name: string): LatencyProfile {
  const p = PROFILES[name];
  if (!p) throw new ClaudiaError('E_CONFIG', `unknown simulator profile '${name}'; use one of ${Object.keys(PROFILES).join(', ')}`);
  return p;
}
