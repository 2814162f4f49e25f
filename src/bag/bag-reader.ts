import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type Database from 'better-sqlite3';
import { ClaudiaError } from '../util/errors';
import { METADATA_FILE, parseMetadata } from './bag-metadata';
import { bagError, openDb3ReadOnly } from './sqlite-file';
import type { BagMessage, BagReader, BagSummary, BagTopic, ReadOptions } from './types';

interface TopicRow {
  id: bigint;
  name: string;
  type: string;
  serialization_format: string;
  offered_qos_profiles: string | null;
}

interface MessageRow {
  topic_id: bigint;
  timestamp: bigint;
  data: Buffer;
}

/**
 * Opens a rosbag2 sqlite3 bag folder (Foxy metadata 4, Humble 5+). Checks everything cheap to
 * check before the first message (metadata, storage files, their headers, the tables), so a
 * broken bag fails at open with a message naming the problem, not halfway through a replay.
 */
export function openBag(dirArg: string): BagReader {
  const dir = path.resolve(dirArg);
  if (!existsSync(dir)) throw new ClaudiaError('E_BAG', `bag folder ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) {
    throw new ClaudiaError('E_BAG', `${dir} is a file; pass the bag folder (the one holding ${METADATA_FILE} and the .db3 files)`);
  }
  const metaPath = path.join(dir, METADATA_FILE);
  if (!existsSync(metaPath)) {
    const db3 = readdirSync(dir).filter((f) => f.endsWith('.db3'));
    const what = db3.length > 0 ? `it holds ${db3.join(', ')} but no ${METADATA_FILE}` : `it holds no ${METADATA_FILE} and no .db3 file`;
    throw new ClaudiaError('E_BAG', `${dir} is not a complete rosbag2 bag: ${what} (was the recording interrupted? a bag is only complete once the recorder stops cleanly)`);
  }
  const metadata = parseMetadata(readFileSync(metaPath, 'utf8'), metaPath);
  const files = metadata.relative_file_paths.map((p) => resolveStorageFile(dir, p));
  const dbs: Array<{ file: string; db: Database.Database; topics: Map<bigint, TopicRow> }> = [];
  try {
    for (const file of files) {
      const db = openDb3ReadOnly(file);
      dbs.push({ file, db, topics: readTopics(file, db) });
    }
  } catch (err) {
    for (const d of dbs) d.db.close();
    throw err;
  }
  const summary: BagSummary = { dir, metadata, files, bag_size: directorySize(dir) };

  const topicList = (): BagTopic[] => {
    const seen = new Map<string, BagTopic>();
    for (const d of dbs) {
      for (const t of d.topics.values()) {
        if (!seen.has(t.name)) {
          seen.set(t.name, { name: t.name, type: t.type, serialization_format: t.serialization_format, offered_qos_profiles: t.offered_qos_profiles ?? '' });
        }
      }
    }
    return [...seen.values()];
  };

  return {
    summary,
    topics: topicList,
    *messages(opts: ReadOptions = {}): IterableIterator<BagMessage> {
      const wanted = opts.topics ? new Set(opts.topics) : undefined;
      for (const d of dbs) {
        const ids = [...d.topics.values()].filter((t) => !wanted || wanted.has(t.name));
        if (ids.length === 0) continue;
        const names = new Map(ids.map((t) => [t.id, t.name]));
        const where = wanted ? `WHERE topic_id IN (${ids.map(() => '?').join(',')})` : '';
        let it: IterableIterator<MessageRow>;
        try {
          it = d.db
            .prepare(`SELECT topic_id, timestamp, data FROM messages ${where} ORDER BY timestamp, id`)
            .iterate(...(wanted ? ids.map((t) => t.id) : [])) as IterableIterator<MessageRow>;
        } catch (err) {
          throw bagError(d.file, err);
        }
        try {
          for (;;) {
            let r: IteratorResult<MessageRow>;
            try {
              r = it.next();
            } catch (err) {
              throw bagError(d.file, err);
            }
            if (r.done) break;
            const row = r.value;
            const topic = names.get(row.topic_id);
            if (topic === undefined) throw new ClaudiaError('E_BAG', `${d.file}: a message refers to topic id ${row.topic_id}, which the topics table lacks; the bag is damaged`);
            yield { topic, timestamp: row.timestamp, data: new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength) };
          }
        } finally {
          // A consumer that stops early (break, an error) must not leave the statement running.
          it.return?.();
        }
      }
    },
    countByTopic() {
      const out = new Map<string, number>();
      for (const d of dbs) {
        let rows: Array<{ topic_id: bigint; n: bigint }>;
        try {
          rows = d.db.prepare('SELECT topic_id, count(*) AS n FROM messages GROUP BY topic_id').all() as Array<{ topic_id: bigint; n: bigint }>;
        } catch (err) {
          throw bagError(d.file, err);
        }
        for (const r of rows) {
          const name = d.topics.get(r.topic_id)?.name ?? `<topic id ${r.topic_id}>`;
          out.set(name, (out.get(name) ?? 0) + Number(r.n));
        }
      }
      return out;
    },
    close() {
      for (const d of dbs.splice(0)) d.db.close();
    },
  };
}

/** Foxy writes bare file names; some tools write `<bag>/<file>`; accept both. */
function resolveStorageFile(dir: string, rel: string): string {
  const candidates = [path.resolve(dir, rel), path.join(dir, path.basename(rel))];
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    const zst = candidates.find((c) => existsSync(c + '.zstd'));
    if (zst) throw new ClaudiaError('E_BAG', `${zst}.zstd is compressed; compressed bags are not supported — decompress it first`);
    throw new ClaudiaError('E_BAG', `storage file ${rel} named in ${METADATA_FILE} is missing from ${dir}; copy the whole bag folder`);
  }
  return found;
}

function readTopics(file: string, db: Database.Database): Map<bigint, TopicRow> {
  let tables: Set<string>;
  let columns: Set<string>;
  try {
    tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as Array<{ name: string }>).map((r) => r.name));
    if (!tables.has('topics') || !tables.has('messages')) {
      throw new ClaudiaError('E_BAG', `${file} has no ${tables.has('topics') ? 'messages' : 'topics'} table; it is not a rosbag2 sqlite3 storage file`);
    }
    columns = new Set((db.prepare('PRAGMA table_info(topics)').all() as Array<{ name: string }>).map((r) => r.name));
    // Eloquent and older lack offered_qos_profiles; Jazzy adds type_description_hash. Read what is there.
    const qos = columns.has('offered_qos_profiles') ? 'offered_qos_profiles' : "'' AS offered_qos_profiles";
    const rows = db.prepare(`SELECT id, name, type, serialization_format, ${qos} FROM topics ORDER BY id`).all() as TopicRow[];
    return new Map(rows.map((r) => [r.id, r]));
  } catch (err) {
    throw bagError(file, err);
  }
}

/**
 * What ros2 bag info reports as the bag size: rcutils_calculate_directory_size of the bag
 * folder (rosbag2_storage metadata_io.cpp), i.e. every file directly in it, metadata.yaml
 * included, not only the .db3 files.
 */
export function directorySize(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isFile()) total += statSync(path.join(dir, e.name)).size;
  return total;
}
