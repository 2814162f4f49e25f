import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { ClaudiaError } from '../util/errors';
import { foxyMetadata, METADATA_FILE, renderMetadata } from './bag-metadata';
import { FOXY_INSERT_MESSAGE, FOXY_INSERT_TOPIC, FOXY_SCHEMA } from './foxy-schema';
import type { BagMetadata, BagTopic, BagWriter } from './types';

export interface BagWriterOptions {
  /** The bag folder; created, must not exist or be empty (as `ros2 bag record -o`). */
  dir: string;
  /** Messages per transaction; a crash loses at most this many. */
  batchSize?: number;
}

/**
 * Writes a Foxy rosbag2 bag: `<dir>/<name>_0.db3` with Foxy's schema and `<dir>/metadata.yaml`
 * version 4 at close. Payloads are stored as given (CDR with the encapsulation header).
 */
export function createBagWriter(opts: BagWriterOptions): BagWriter {
  const dir = path.resolve(opts.dir);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new ClaudiaError('E_BAG', `${dir} exists and is not a folder; choose another output folder`);
    if (readdirSync(dir).length > 0) throw new ClaudiaError('E_BAG', `output folder ${dir} already exists and is not empty; remove it or choose another`);
  }
  mkdirSync(dir, { recursive: true });
  const fileName = `${path.basename(dir)}_0.db3`;
  const file = path.join(dir, fileName);
  const db = new Database(file);
  // Foxy's default pragmas keep the journal in memory: no -journal/-wal file next to the bag.
  db.pragma('journal_mode = MEMORY');
  db.pragma('synchronous = NORMAL');
  for (const s of FOXY_SCHEMA) db.exec(s.sql + ';');
  const insertTopic = db.prepare(FOXY_INSERT_TOPIC);
  const insertMessage = db.prepare(FOXY_INSERT_MESSAGE);
  const batchSize = Math.max(1, opts.batchSize ?? 1000);

  const topics = new Map<string, { id: number; meta: BagTopic; count: number }>();
  let pending = 0;
  let total = 0;
  let first: bigint | undefined;
  let last: bigint | undefined;
  let closed: BagMetadata | undefined;

  const begin = () => {
    if (pending === 0) db.exec('BEGIN');
  };
  const commit = () => {
    if (pending > 0) db.exec('COMMIT');
    pending = 0;
  };
  const ensureOpen = () => {
    if (closed) throw new ClaudiaError('E_BAG', `bag ${dir} is closed; open a new writer`);
  };

  return {
    dir,
    get messageCount() {
      return total;
    },
    addTopic(topic) {
      ensureOpen();
      const known = topics.get(topic.name);
      if (known) {
        if (known.meta.type !== topic.type) {
          throw new ClaudiaError('E_BAG', `topic ${topic.name} is already in the bag as ${known.meta.type}; it cannot also carry ${topic.type}`);
        }
        return;
      }
      if (!topic.name.startsWith('/')) throw new ClaudiaError('E_BAG', `topic name '${topic.name}' must be absolute (start with /)`);
      if (!/^[A-Za-z0-9_]+\/(msg|srv|action)\/[A-Za-z0-9_]+$/.test(topic.type)) {
        throw new ClaudiaError('E_BAG', `topic ${topic.name}: type '${topic.type}' must look like pkg/msg/Name`);
      }
      const r = insertTopic.run(topic.name, topic.type, topic.serialization_format, topic.offered_qos_profiles);
      topics.set(topic.name, { id: Number(r.lastInsertRowid), meta: { ...topic }, count: 0 });
    },
    write(topic, timestamp, data) {
      ensureOpen();
      const t = topics.get(topic);
      if (!t) throw new ClaudiaError('E_BAG', `topic ${topic} has not been added to bag ${dir}; call addTopic first`);
      if (typeof timestamp !== 'bigint' || timestamp < 0n) throw new ClaudiaError('E_BAG', `timestamp for ${topic} must be a non-negative bigint (ns since epoch)`);
      begin();
      insertMessage.run(timestamp, t.id, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      pending++;
      total++;
      t.count++;
      if (first === undefined || timestamp < first) first = timestamp;
      if (last === undefined || timestamp > last) last = timestamp;
      if (pending >= batchSize) commit();
    },
    close() {
      if (closed) return closed;
      commit();
      db.close();
      const meta = foxyMetadata({
        relative_file_paths: [fileName],
        duration_ns: first === undefined || last === undefined ? 0n : last - first,
        starting_time_ns: first ?? 0n,
        message_count: total,
        topics_with_message_count: [...topics.values()].map((t) => ({ topic_metadata: t.meta, message_count: t.count })),
      });
      // Written last and renamed into place: a bag with metadata.yaml is a complete bag.
      const tmp = path.join(dir, `.${METADATA_FILE}.tmp`);
      writeFileSync(tmp, renderMetadata(meta));
      renameSync(tmp, path.join(dir, METADATA_FILE));
      closed = meta;
      return meta;
    },
  };
}
