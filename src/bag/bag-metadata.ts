import { parse } from 'yaml';
import { ClaudiaError } from '../util/errors';
import { FOXY_METADATA_VERSION } from './foxy-schema';
import type { BagMetadata, BagTopic, BagTopicInfo } from './types';

export const METADATA_FILE = 'metadata.yaml';

/** Storage plugins and compression this reader cannot open, with what the user can do instead. */
const UNSUPPORTED_STORAGE: Record<string, string> = {
  mcap: 'mcap storage is not supported; convert the bag to sqlite3 with `ros2 bag convert` (Humble or later) and replay that',
};

/**
 * metadata.yaml in the layout Foxy's yaml-cpp emitter produces (two-space indent, sequences
 * indented under their key, offered_qos_profiles as a double-quoted string).
 */
export function renderMetadata(m: BagMetadata): string {
  const lines = [
    'rosbag2_bagfile_information:',
    `  version: ${m.version}`,
    `  storage_identifier: ${scalar(m.storage_identifier)}`,
    '  relative_file_paths:',
    ...m.relative_file_paths.map((p) => `    - ${scalar(p)}`),
    '  duration:',
    `    nanoseconds: ${m.duration_ns.toString()}`,
    '  starting_time:',
    `    nanoseconds_since_epoch: ${m.starting_time_ns.toString()}`,
    `  message_count: ${m.message_count}`,
    m.topics_with_message_count.length === 0 ? '  topics_with_message_count: []' : '  topics_with_message_count:',
    ...m.topics_with_message_count.flatMap((t) => [
      '    - topic_metadata:',
      `        name: ${scalar(t.topic_metadata.name)}`,
      `        type: ${scalar(t.topic_metadata.type)}`,
      `        serialization_format: ${scalar(t.topic_metadata.serialization_format)}`,
      `        offered_qos_profiles: ${quoted(t.topic_metadata.offered_qos_profiles)}`,
      `      message_count: ${t.message_count}`,
    ]),
    `  compression_format: ${quoted(m.compression_format)}`,
    `  compression_mode: ${quoted(m.compression_mode)}`,
  ];
  return lines.join('\n') + '\n';
}

/** A plain YAML scalar when it is safe to leave unquoted, else double-quoted. */
function scalar(s: string): string {
  return /^[A-Za-z_/][A-Za-z0-9_/.-]*$/.test(s) && !/^(true|false|null|yes|no|on|off|~)$/i.test(s) ? s : quoted(s);
}

/** JSON string escapes are valid YAML double-quoted escapes. */
function quoted(s: string): string {
  return JSON.stringify(s);
}

/**
 * Parses metadata.yaml of any sqlite3 rosbag2 version (Foxy 4, Galactic 5, Humble 5/6, later
 * ones add fields this reader ignores). Refuses, with the reason and the way out, what it cannot play.
 */
export function parseMetadata(text: string, where: string): BagMetadata {
  let doc: unknown;
  try {
    doc = parse(text, { intAsBigInt: true });
  } catch (err) {
    throw new ClaudiaError('E_BAG', `${where} is not valid YAML (${(err as Error).message.split('\n')[0]}); restore it or re-record the bag`);
  }
  const info = field(doc, 'rosbag2_bagfile_information');
  if (!isObject(info)) throw new ClaudiaError('E_BAG', `${where} has no rosbag2_bagfile_information section; it is not a rosbag2 metadata file`);
  const version = toInt(info.version, `${where}: version`);
  if (version < 1) throw new ClaudiaError('E_BAG', `${where}: version ${version} is not a rosbag2 metadata version`);
  const storage = str(info.storage_identifier, `${where}: storage_identifier`);
  const unsupported = UNSUPPORTED_STORAGE[storage];
  if (unsupported) throw new ClaudiaError('E_BAG', `${where}: ${unsupported}`);
  if (storage !== 'sqlite3') throw new ClaudiaError('E_BAG', `${where}: storage '${storage}' is not supported; only sqlite3 bags can be read`);
  const compressionFormat = info.compression_format === undefined ? '' : str(info.compression_format, `${where}: compression_format`);
  const compressionMode = info.compression_mode === undefined ? '' : str(info.compression_mode, `${where}: compression_mode`);
  if (compressionFormat !== '' || (compressionMode !== '' && compressionMode.toUpperCase() !== 'NONE')) {
    throw new ClaudiaError(
      'E_BAG',
      `${where}: the bag is compressed (${compressionFormat || '?'}, mode ${compressionMode || '?'}); compressed bags are not supported — ` +
        'decompress it (`ros2 bag convert` with compression_format "" on Humble or later) or record without --compression-mode',
    );
  }
  const paths = info.relative_file_paths;
  if (!Array.isArray(paths) || paths.length === 0) throw new ClaudiaError('E_BAG', `${where}: relative_file_paths is missing or empty; the bag names no storage file`);
  const topics = info.topics_with_message_count ?? [];
  if (!Array.isArray(topics)) throw new ClaudiaError('E_BAG', `${where}: topics_with_message_count must be a list`);
  return {
    version,
    storage_identifier: storage,
    relative_file_paths: paths.map((p, i) => str(p, `${where}: relative_file_paths[${i}]`)),
    duration_ns: toBigInt(field(info.duration, 'nanoseconds') ?? 0n, `${where}: duration.nanoseconds`),
    starting_time_ns: toBigInt(field(info.starting_time, 'nanoseconds_since_epoch') ?? 0n, `${where}: starting_time.nanoseconds_since_epoch`),
    message_count: toInt(info.message_count ?? 0n, `${where}: message_count`),
    topics_with_message_count: topics.map((t, i) => parseTopicInfo(t, `${where}: topics_with_message_count[${i}]`)),
    compression_format: compressionFormat,
    compression_mode: compressionMode,
  };
}

function parseTopicInfo(t: unknown, where: string): BagTopicInfo {
  const meta = field(t, 'topic_metadata');
  if (!isObject(meta)) throw new ClaudiaError('E_BAG', `${where} has no topic_metadata`);
  const qos = meta.offered_qos_profiles;
  const topic: BagTopic = {
    name: str(meta.name, `${where}.name`),
    type: str(meta.type, `${where}.type`),
    serialization_format: str(meta.serialization_format ?? 'cdr', `${where}.serialization_format`),
    // Foxy-Humble store a YAML string; later versions may store a structure: keep it as text either way.
    offered_qos_profiles: typeof qos === 'string' ? qos : qos === undefined || qos === null ? '' : JSON.stringify(qos, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)),
  };
  return { topic_metadata: topic, message_count: toInt(field(t, 'message_count') ?? 0n, `${where}.message_count`) };
}

/** A fresh Foxy metadata record; the writer fills counts and times at close. */
export function foxyMetadata(init: Pick<BagMetadata, 'relative_file_paths' | 'topics_with_message_count' | 'duration_ns' | 'starting_time_ns' | 'message_count'>): BagMetadata {
  return { version: FOXY_METADATA_VERSION, storage_identifier: 'sqlite3', compression_format: '', compression_mode: '', ...init };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function field(v: unknown, key: string): unknown {
  return isObject(v) ? v[key] : undefined;
}

function str(v: unknown, where: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'number') return String(v);
  throw new ClaudiaError('E_BAG', `${where} must be a string`);
}

function toBigInt(v: unknown, where: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  throw new ClaudiaError('E_BAG', `${where} must be an integer`);
}

function toInt(v: unknown, where: string): number {
  const b = toBigInt(v, where);
  if (b > BigInt(Number.MAX_SAFE_INTEGER) || b < 0n) throw new ClaudiaError('E_BAG', `${where} is out of range (${b})`);
  return Number(b);
}
