import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../cdr/registry';
import { ClaudiaError } from '../util/errors';

/** Endpoint QoS as the addon takes it. depth <= 0 means keep-all. */
export interface AddonQos {
  reliable: boolean;
  transientLocal: boolean;
  depth: number;
}

export interface AddonSample {
  data: Uint8Array;
  /** Source timestamp, ns since the epoch (as a double: ~µs precision). */
  sourceTimestamp: number;
}

/** The native addon's surface (native/dds/src/addon.cpp). Handles are Cyclone entity ids. */
export interface DdsAddon {
  version(): string;
  createParticipant(domainId: number, config?: string): number;
  createTopic(participant: number, name: string, typeName: string): number;
  createWriter(participant: number, topic: number, qos: AddonQos): number;
  createReader(participant: number, topic: number, qos: AddonQos, onSamples: (batch: AddonSample[]) => void): number;
  write(writer: number, bytes: Uint8Array): void;
  publicationMatched(writer: number): number;
  subscriptionMatched(reader: number): number;
  guid(entity: number): Uint8Array;
  instanceHandle(entity: number): bigint;
  deleteEntity(entity: number): void;
}

/** Where the addon is looked for: $CLAUDIA_DDS_ADDON, else native/dds/build/Release. */
export function ddsAddonPath(): string {
  return process.env.CLAUDIA_DDS_ADDON || path.join(packageRoot(), 'native', 'dds', 'build', 'Release', 'claudia_dds.node');
}

/**
 * Loads the addon at call time. Refuses when rclnodejs is already in this process (two DDS
 * stacks in one process fight over the same library), and says how to build it when missing.
 */
export function loadDdsAddon(): DdsAddon {
  const rcl = Object.keys(require.cache).find((k) => /[\\/]rclnodejs[\\/]/.test(k));
  if (rcl) {
    throw new ClaudiaError('E_TRANSPORT', 'the dds transport cannot run in a process that has loaded rclnodejs; use transport rclnodejs or start a separate process');
  }
  const file = ddsAddonPath();
  if (!existsSync(file)) {
    throw new ClaudiaError(
      'E_TRANSPORT',
      `the dds transport is unavailable: ${file} is not built. Install Cyclone DDS 0.10.x (Debian: apt-get install cyclonedds-dev) and run 'npm run build:native' (scripts/build-dds-addon.sh), or use transport memory/rclnodejs`,
    );
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as DdsAddon;
  } catch (err) {
    throw new ClaudiaError(
      'E_TRANSPORT',
      `the dds transport is unavailable: loading ${file} failed (${(err as Error).message}); is libddsc 0.10.x installed and on the library path? Rebuild with 'npm run build:native'`,
      { cause: err },
    );
  }
}

/** Whether the dds transport can run here, and if not why (for status, tests and docs). */
export function ddsAvailability(): { ok: true; version: string } | { ok: false; reason: string } {
  try {
    return { ok: true, version: loadDdsAddon().version() };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

/**
 * The Cyclone configuration string for a participant: CYCLONEDDS_URI (kept, as Cyclone would
 * read it), then a fragment pinning the network interface when one is configured. Undefined
 * when nothing is to be added, so Cyclone reads CYCLONEDDS_URI itself. Cyclone merges
 * interface lists, so a CYCLONEDDS_URI that already selects interfaces cannot be combined
 * with transport.dds_network_interface: that is refused with a message naming both.
 */
export function cycloneConfig(
  networkInterface: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  readText: (file: string) => string | undefined = readIfExists,
): string | undefined {
  if (!networkInterface) return undefined;
  if (!/^[\w.:-]+$/.test(networkInterface)) {
    throw new ClaudiaError('E_CONFIG', `transport.dds_network_interface '${networkInterface}' must be an interface name or address (e.g. eth0, lo, 192.168.123.99)`);
  }
  const fragment =
    `<CycloneDDS><Domain id="any"><General><Interfaces><NetworkInterface ${/^[\d.]+$/.test(networkInterface) ? 'address' : 'name'}="${networkInterface}"/>` +
    '</Interfaces></General></Domain></CycloneDDS>';
  const uri = env.CYCLONEDDS_URI?.trim();
  if (!uri) return fragment;
  // CYCLONEDDS_URI is a comma-separated list of file URIs/paths and XML fragments.
  const parts = uri.split(/,(?=\s*(?:<|file:|\/|\.))/);
  const texts = parts.map((p) => (p.trim().startsWith('<') ? p : readText(p.trim().replace(/^file:\/\//, '')) ?? ''));
  if (texts.some((t) => /<NetworkInterface(Address)?\b/.test(t))) {
    throw new ClaudiaError(
      'E_CONFIG',
      `CYCLONEDDS_URI already selects a network interface, and transport.dds_network_interface='${networkInterface}' selects another; set only one of them`,
    );
  }
  return `${uri},${fragment}`;
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
