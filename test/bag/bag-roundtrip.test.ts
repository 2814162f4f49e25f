import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { parse } from 'yaml';
import { createBagWriter, FOXY_SCHEMA, openBag, type BagTopic } from '../../src/bag';
import { formatOfferedQos } from '../../src/bag/qos-yaml';
import { tempBagDirs } from './helpers';

const T0 = 1_764_000_000_123_456_789n; // > 2^53: must survive as BigInt

function topic(name: string, type = 'std_msgs/msg/String'): BagTopic {
  return { name, type, serialization_format: 'cdr', offered_qos_profiles: formatOfferedQos([{ reliability: 'reliable', durability: 'volatile', depth: 10 }]) };
}

/** Deterministic pseudo-random bytes so payloads cover every byte value incl. 0 and 0xff. */
function payload(seed: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < len; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('bag writer/reader round trip', () => {
  const dirs = tempBagDirs();
  afterEach(() => dirs.cleanup());

  it('returns byte-identical payloads and exact int64 timestamps, in timestamp order', () => {
    const dir = dirs.next('session');
    const w = createBagWriter({ dir, batchSize: 7 });
    w.addTopic(topic('/claudia/speech_text'));
    w.addTopic(topic('/api/sport/request', 'unitree_api/msg/Request'));
    const written: Array<{ topic: string; timestamp: bigint; data: Uint8Array }> = [];
    for (let i = 0; i < 50; i++) {
      const m = { topic: i % 3 === 0 ? '/api/sport/request' : '/claudia/speech_text', timestamp: T0 + BigInt(i) * 1_000_001n, data: payload(i, i * 5) };
      written.push(m);
      w.write(m.topic, m.timestamp, m.data);
    }
    const meta = w.close();
    expect(meta.message_count).to.equal(50);

    const r = openBag(dir);
    const read = [...r.messages()];
    r.close();
    expect(read).to.have.length(50);
    for (let i = 0; i < 50; i++) {
      const a = read[i]!;
      const b = written[i]!;
      expect(a.topic).to.equal(b.topic);
      expect(typeof a.timestamp).to.equal('bigint');
      expect(a.timestamp === b.timestamp, `timestamp #${i}: ${a.timestamp} vs ${b.timestamp}`).to.equal(true);
      expect(Buffer.from(a.data).equals(Buffer.from(b.data)), `payload #${i}`).to.equal(true);
    }
  });

  it('plays messages written out of order by timestamp, then by insertion (as rosbag2 does)', () => {
    const dir = dirs.next();
    const w = createBagWriter({ dir });
    w.addTopic(topic('/a'));
    w.write('/a', T0 + 20n, Uint8Array.of(2));
    w.write('/a', T0 + 10n, Uint8Array.of(1));
    w.write('/a', T0 + 20n, Uint8Array.of(3));
    w.close();
    const r = openBag(dir);
    expect([...r.messages()].map((m) => m.data[0])).to.deep.equal([1, 2, 3]);
    r.close();
  });

  it('filters by topic', () => {
    const dir = dirs.next();
    const w = createBagWriter({ dir });
    w.addTopic(topic('/a'));
    w.addTopic(topic('/b'));
    for (let i = 0; i < 6; i++) w.write(i % 2 ? '/a' : '/b', T0 + BigInt(i), Uint8Array.of(i));
    w.close();
    const r = openBag(dir);
    expect([...r.messages({ topics: ['/a'] })].map((m) => m.data[0])).to.deep.equal([1, 3, 5]);
    expect(Object.fromEntries(r.countByTopic())).to.deep.equal({ '/a': 3, '/b': 3 });
    r.close();
  });

  it('writes metadata.yaml version 4 with every Foxy field', () => {
    const dir = dirs.next('talk');
    const w = createBagWriter({ dir });
    w.addTopic(topic('/claudia/speech_text'));
    w.write('/claudia/speech_text', T0, Uint8Array.of(0, 1, 0, 0));
    w.write('/claudia/speech_text', T0 + 2_500_000_000n, Uint8Array.of(0, 1, 0, 0));
    w.close();
    const text = readFileSync(path.join(dir, 'metadata.yaml'), 'utf8');
    const doc = parse(text, { intAsBigInt: true }) as { rosbag2_bagfile_information: Record<string, unknown> };
    const info = doc.rosbag2_bagfile_information;
    expect(Object.keys(info)).to.deep.equal([
      'version', 'storage_identifier', 'relative_file_paths', 'duration', 'starting_time', 'message_count',
      'topics_with_message_count', 'compression_format', 'compression_mode',
    ]);
    expect(info.version).to.equal(4n);
    expect(info.storage_identifier).to.equal('sqlite3');
    expect(info.relative_file_paths).to.deep.equal(['talk_0.db3']);
    expect(info.duration).to.deep.equal({ nanoseconds: 2_500_000_000n });
    expect(info.starting_time).to.deep.equal({ nanoseconds_since_epoch: T0 });
    expect(info.message_count).to.equal(2n);
    expect(info.compression_format).to.equal('');
    expect(info.compression_mode).to.equal('');
    const topics = info.topics_with_message_count as Array<{ topic_metadata: Record<string, unknown>; message_count: bigint }>;
    expect(topics).to.have.length(1);
    expect(topics[0]!.message_count).to.equal(2n);
    expect(topics[0]!.topic_metadata).to.include({ name: '/claudia/speech_text', type: 'std_msgs/msg/String', serialization_format: 'cdr' });
    // Foxy stores the QoS list as a YAML string; it must itself parse to the rmw values.
    const qos = parse(topics[0]!.topic_metadata.offered_qos_profiles as string) as Array<Record<string, unknown>>;
    expect(qos).to.have.length(1);
    expect(qos[0]).to.include({ history: 1, depth: 10, reliability: 1, durability: 2, liveliness: 1, avoid_ros_namespace_conventions: false });
    expect(qos[0]!.deadline).to.deep.equal({ sec: 2147483647, nsec: 4294967295 });
    expect(existsSync(path.join(dir, 'talk_0.db3'))).to.equal(true);
  });

  it('has exactly the Foxy sqlite schema (sqlite_master), incl. the timestamp index', () => {
    const dir = dirs.next('schema');
    const w = createBagWriter({ dir });
    w.addTopic(topic('/a'));
    w.close();
    const db = new Database(path.join(dir, 'schema_0.db3'), { readonly: true });
    const rows = db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY rowid").all();
    db.close();
    expect(rows).to.deep.equal([
      {
        type: 'table', name: 'topics', tbl_name: 'topics',
        sql: 'CREATE TABLE topics(id INTEGER PRIMARY KEY,name TEXT NOT NULL,type TEXT NOT NULL,serialization_format TEXT NOT NULL,offered_qos_profiles TEXT NOT NULL)',
      },
      {
        type: 'table', name: 'messages', tbl_name: 'messages',
        sql: 'CREATE TABLE messages(id INTEGER PRIMARY KEY,topic_id INTEGER NOT NULL,timestamp INTEGER NOT NULL, data BLOB NOT NULL)',
      },
      { type: 'index', name: 'timestamp_idx', tbl_name: 'messages', sql: 'CREATE INDEX timestamp_idx ON messages (timestamp ASC)' },
    ]);
    expect(rows.map((r) => (r as { sql: string }).sql)).to.deep.equal(FOXY_SCHEMA.map((s) => s.sql));
  });

  it('opens with the system sqlite (sqlite3 CLI, else Python\'s sqlite3 module), which sees the rows and the int64 timestamp', function () {
    const dir = dirs.next('cli');
    const w = createBagWriter({ dir });
    w.addTopic(topic('/a'));
    w.write('/a', T0, Uint8Array.of(0, 1, 0, 0, 0xde, 0xad));
    w.close();
    const db = path.join(dir, 'cli_0.db3');
    const sql = 'SELECT t.name, m.timestamp, hex(m.data) FROM messages m JOIN topics t ON t.id = m.topic_id';
    let out: string;
    if (existsSync('/usr/bin/sqlite3')) {
      out = execFileSync('/usr/bin/sqlite3', [db, `PRAGMA integrity_check; ${sql};`], { encoding: 'utf8' });
    } else if (existsSync('/usr/bin/python3')) {
      // The system libsqlite3, not better-sqlite3's bundled copy: an independent reader.
      const py = `import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\nprint(c.execute('PRAGMA integrity_check').fetchone()[0])\nfor r in c.execute(sys.argv[2]): print('|'.join(str(x) for x in r))`;
      out = execFileSync('/usr/bin/python3', ['-c', py, db, sql], { encoding: 'utf8' });
    } else {
      this.skip();
    }
    expect(out.trim().split('\n')).to.deep.equal(['ok', `/a|${T0}|00010000DEAD`]);
  });

  it('refuses to write into a non-empty folder and rejects unregistered topics', () => {
    const dir = dirs.next();
    const w = createBagWriter({ dir });
    expect(() => w.write('/nope', T0, Uint8Array.of(1))).to.throw(/has not been added/).with.property('code', 'E_BAG');
    expect(() => w.addTopic(topic('relative'))).to.throw(/absolute/);
    expect(() => w.addTopic(topic('/x', 'not a type'))).to.throw(/pkg\/msg\/Name/);
    w.addTopic(topic('/a'));
    expect(() => w.addTopic(topic('/a', 'std_msgs/msg/Int32'))).to.throw(/already in the bag/);
    w.close();
    expect(() => createBagWriter({ dir })).to.throw(/not empty/).with.property('code', 'E_BAG');
  });

  it('an empty bag round-trips with zero messages', () => {
    const dir = dirs.next();
    createBagWriter({ dir }).close();
    const r = openBag(dir);
    expect([...r.messages()]).to.deep.equal([]);
    expect(r.summary.metadata.message_count).to.equal(0);
    r.close();
  });
});

describe('bag reader streaming', () => {
  const dirs = tempBagDirs();
  afterEach(() => dirs.cleanup());

  it('a consumer that stops early leaves the bag usable (statement released), and a second pass sees everything', () => {
    const dir = dirs.next();
    const w = createBagWriter({ dir });
    w.addTopic(topic('/a'));
    for (let i = 0; i < 20; i++) w.write('/a', T0 + BigInt(i), Uint8Array.of(i));
    w.close();
    const r = openBag(dir);
    for (const m of r.messages()) {
      if (m.data[0] === 3) break;
    }
    expect(Object.fromEntries(r.countByTopic())).to.deep.equal({ '/a': 20 });
    expect([...r.messages()].map((m) => m.data[0])).to.deep.equal(Array.from({ length: 20 }, (_, i) => i));
    r.close();
  });
});
