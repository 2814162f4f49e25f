import { readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { createBagWriter, decodeBagPayload, openBag, type BagReader } from '../../src/bag';
import { bagTopic } from '../../src/bag/typed-bag';
import { loadMessageRegistry } from '../../src/cdr';
import { ClaudiaError } from '../../src/util/errors';
import { tempBagDirs } from './helpers';

const T0 = 1_764_000_000_000_000_000n;

/** A bag large enough (many sqlite pages) that truncating it loses data. */
function writeBag(dir: string, n = 300, type = 'std_msgs/msg/String'): void {
  const w = createBagWriter({ dir });
  w.addTopic(bagTopic('/claudia/speech_text', type));
  for (let i = 0; i < n; i++) w.write('/claudia/speech_text', T0 + BigInt(i), new Uint8Array(400).fill(i & 0xff));
  w.close();
}

function bagErrorOf(fn: () => unknown): ClaudiaError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ClaudiaError);
    expect((err as ClaudiaError).code).to.equal('E_BAG');
    return err as ClaudiaError;
  }
  throw new Error('expected an E_BAG error, got none');
}

function setMetadata(dir: string, edit: (text: string) => string): void {
  const p = path.join(dir, 'metadata.yaml');
  writeFileSync(p, edit(readFileSync(p, 'utf8')));
}

describe('corrupted and unsupported bags give clear E_BAG errors', () => {
  const dirs = tempBagDirs();
  afterEach(() => dirs.cleanup());

  it('a folder that does not exist', () => {
    expect(bagErrorOf(() => openBag(dirs.next('nothing-here'))).message).to.match(/does not exist/);
  });

  it('a .db3 file passed instead of the folder', () => {
    const dir = dirs.next('b');
    writeBag(dir, 1);
    expect(bagErrorOf(() => openBag(path.join(dir, 'b_0.db3'))).message).to.match(/is a file; pass the bag folder/);
  });

  it('missing metadata.yaml (interrupted recording) names the .db3 it found', () => {
    const dir = dirs.next('b');
    writeBag(dir, 3);
    rmSync(path.join(dir, 'metadata.yaml'));
    const e = bagErrorOf(() => openBag(dir));
    expect(e.message).to.match(/no metadata\.yaml/);
    expect(e.message).to.contain('b_0.db3');
  });

  it('metadata.yaml that is not YAML, or not rosbag2 metadata', () => {
    const dir = dirs.next('b');
    writeBag(dir, 1);
    setMetadata(dir, () => 'rosbag2_bagfile_information: [unclosed');
    expect(bagErrorOf(() => openBag(dir)).message).to.match(/not valid YAML/);
    setMetadata(dir, () => 'something_else: 1\n');
    expect(bagErrorOf(() => openBag(dir)).message).to.match(/no rosbag2_bagfile_information/);
  });

  it('a truncated .db3 is reported as truncated at open, with both sizes', () => {
    const dir = dirs.next('b');
    writeBag(dir);
    const file = path.join(dir, 'b_0.db3');
    const full = statSync(file).size;
    truncateSync(file, Math.floor(full / 2 / 4096) * 4096 + 123);
    const e = bagErrorOf(() => openBag(dir));
    expect(e.message).to.match(/truncated/);
    expect(e.message).to.contain(String(full));
  });

  it('a .db3 cut inside the header, an empty one, and one that is not sqlite', () => {
    const dir = dirs.next('b');
    writeBag(dir, 2);
    const file = path.join(dir, 'b_0.db3');
    truncateSync(file, 50);
    expect(bagErrorOf(() => openBag(dir)).message).to.match(/not an sqlite3 database \(only 50 bytes\)/);
    truncateSync(file, 0);
    expect(bagErrorOf(() => openBag(dir)).message).to.match(/is empty \(0 bytes\)/);
    writeFileSync(file, Buffer.alloc(8192, 0x42));
    expect(bagErrorOf(() => openBag(dir)).message).to.match(/not an sqlite3 database \(bad header\)/);
  });

  it('a storage file named in metadata but missing', () => {
    const dir = dirs.next('b');
    writeBag(dir, 1);
    rmSync(path.join(dir, 'b_0.db3'));
    expect(bagErrorOf(() => openBag(dir)).message).to.match(/b_0\.db3 named in metadata\.yaml is missing/);
  });

  it('an sqlite file without rosbag2 tables', () => {
    const dir = dirs.next('b');
    writeBag(dir, 1);
    const file = path.join(dir, 'b_0.db3');
    rmSync(file);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Database = require('better-sqlite3') as typeof import('better-sqlite3');
    const db = new Database(file);
    db.exec('CREATE TABLE other(x INTEGER)');
    db.close();
    expect(bagErrorOf(() => openBag(dir)).message).to.match(/no topics table; it is not a rosbag2 sqlite3 storage file/);
  });

  it('mcap storage says to convert, compressed bags say to decompress', () => {
    const dir = dirs.next('b');
    writeBag(dir, 1);
    setMetadata(dir, (t) => t.replace('storage_identifier: sqlite3', 'storage_identifier: mcap'));
    expect(bagErrorOf(() => openBag(dir)).message).to.match(/mcap storage is not supported; convert/);
    setMetadata(dir, (t) => t.replace('storage_identifier: mcap', 'storage_identifier: sqlite3').replace('compression_format: ""', 'compression_format: zstd').replace('compression_mode: ""', 'compression_mode: FILE'));
    expect(bagErrorOf(() => openBag(dir)).message).to.match(/compressed \(zstd, mode FILE\)/);
  });

  it('an unknown message type fails on decode, naming topic and type', () => {
    const dir = dirs.next('b');
    writeBag(dir, 1, 'acme_msgs/msg/Gadget');
    const r: BagReader = openBag(dir);
    try {
      const topic = r.topics()[0]!;
      const msg = [...r.messages()][0]!;
      const e = bagErrorOf(() => decodeBagPayload(loadMessageRegistry(), topic, msg.data, 0));
      expect(e.message).to.contain('/claudia/speech_text');
      expect(e.message).to.contain('acme_msgs/msg/Gadget');
    } finally {
      r.close();
    }
  });

  it('a payload that does not decode as its type names the message', () => {
    const dir = dirs.next('b');
    const w = createBagWriter({ dir });
    w.addTopic(bagTopic('/claudia/speech_text', 'std_msgs/msg/String'));
    w.write('/claudia/speech_text', T0, Uint8Array.of(0, 1, 0, 0, 0xff, 0xff, 0xff, 0x7f)); // string length 2^31
    w.close();
    const r = openBag(dir);
    try {
      const e = bagErrorOf(() => decodeBagPayload(loadMessageRegistry(), r.topics()[0]!, [...r.messages()][0]!.data, 0));
      expect(e.message).to.match(/message #0 on \/claudia\/speech_text does not decode as std_msgs\/msg\/String/);
    } finally {
      r.close();
    }
  });
});
