import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { openBag } from '../../src/bag';
import { tempBagDirs } from './helpers';

const QOS = '- history: 3\n  depth: 0\n  reliability: 1\n  durability: 2\n  deadline:\n    sec: 9223372036\n    nsec: 854775807\n  lifespan:\n    sec: 9223372036\n    nsec: 854775807\n  liveliness: 1\n  liveliness_lease_duration:\n    sec: 9223372036\n    nsec: 854775807\n  avoid_ros_namespace_conventions: false';
const T0 = 1_700_000_000_987_654_321n;

/** A bag laid out as Humble (metadata 5, schema table) or Jazzy (metadata 8/9, type hash column) write it. */
function writeNewerBag(dir: string, version: 5 | 9): void {
  mkdirSync(dir, { recursive: true });
  const name = path.basename(dir);
  const db = new Database(path.join(dir, `${name}_0.db3`));
  const hashCol = version >= 9 ? ', type_description_hash TEXT NOT NULL' : '';
  db.exec(`CREATE TABLE schema(schema_version INTEGER PRIMARY KEY, ros_distro TEXT NOT NULL);
    CREATE TABLE metadata(id INTEGER PRIMARY KEY, metadata_version INTEGER NOT NULL, metadata TEXT NOT NULL);
    CREATE TABLE topics(id INTEGER PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, serialization_format TEXT NOT NULL, offered_qos_profiles TEXT NOT NULL${hashCol});
    CREATE TABLE messages(id INTEGER PRIMARY KEY, topic_id INTEGER NOT NULL, timestamp INTEGER NOT NULL, data BLOB NOT NULL);
    CREATE INDEX timestamp_idx ON messages (timestamp ASC);`);
  db.prepare('INSERT INTO schema VALUES (?, ?)').run(version >= 9 ? 4 : 3, version >= 9 ? 'jazzy' : 'humble');
  const insTopic = db.prepare(`INSERT INTO topics VALUES (?, ?, ?, 'cdr', ?${version >= 9 ? ", 'RIHS01_x'" : ''})`);
  insTopic.run(7, '/claudia/speech_text', 'std_msgs/msg/String', QOS);
  const ins = db.prepare('INSERT INTO messages (topic_id, timestamp, data) VALUES (?, ?, ?)');
  ins.run(7, T0 + 5n, Buffer.from('00010000050000006869210000', 'hex'));
  ins.run(7, T0, Buffer.from('000100000300000068690000', 'hex'));
  db.close();
  const extra = version >= 9 ? '  custom_data: ~\n  ros_distro: jazzy\n' : '';
  writeFileSync(
    path.join(dir, 'metadata.yaml'),
    `rosbag2_bagfile_information:
  version: ${version}
  storage_identifier: sqlite3
  duration:
    nanoseconds: 5
  starting_time:
    nanoseconds_since_epoch: ${T0}
  message_count: 2
  topics_with_message_count:
    - topic_metadata:
        name: /claudia/speech_text
        type: std_msgs/msg/String
        serialization_format: cdr
        offered_qos_profiles: ${JSON.stringify(QOS)}${version >= 9 ? '\n        type_description_hash: RIHS01_x' : ''}
      message_count: 2
  compression_format: ""
  compression_mode: ""
  relative_file_paths:
    - ${name}_0.db3
  files:
    - path: ${name}_0.db3
      starting_time:
        nanoseconds_since_epoch: ${T0}
      duration:
        nanoseconds: 5
      message_count: 2
${extra}`,
  );
}

describe('reader accepts newer sqlite3 bags (Humble metadata 5, Jazzy 9)', () => {
  const dirs = tempBagDirs();
  afterEach(() => dirs.cleanup());

  for (const version of [5, 9] as const) {
    it(`reads a version ${version} bag: metadata, topics and messages in time order`, () => {
      const dir = dirs.next(`v${version}`);
      writeNewerBag(dir, version);
      const r = openBag(dir);
      try {
        expect(r.summary.metadata.version).to.equal(version);
        expect(r.summary.metadata.starting_time_ns === T0).to.equal(true);
        expect(r.topics()).to.deep.equal([{ name: '/claudia/speech_text', type: 'std_msgs/msg/String', serialization_format: 'cdr', offered_qos_profiles: QOS }]);
        const msgs = [...r.messages()];
        expect(msgs.map((m) => m.timestamp)).to.deep.equal([T0, T0 + 5n]);
        expect(Buffer.from(msgs[0]!.data).toString('hex')).to.equal('000100000300000068690000');
      } finally {
        r.close();
      }
    });
  }
});
