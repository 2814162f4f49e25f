import { closeSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ClaudiaError } from '../util/errors';

const MAGIC = 'SQLite format 3\0';

/**
 * Opens a bag's .db3 read-only, after checking its header against its size: sqlite itself would
 * open a truncated file and fail later with "database disk image is malformed" in the middle of a
 * replay. BigInt for every integer, because timestamps exceed 2^53.
 */
export function openDb3ReadOnly(file: string): Database.Database {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new ClaudiaError('E_BAG', `storage file ${file} named in metadata.yaml does not exist; copy the whole bag folder`);
  }
  if (size === 0) throw new ClaudiaError('E_BAG', `storage file ${file} is empty (0 bytes); the recording was not written — re-record the bag`);
  checkHeader(file, size);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.defaultSafeIntegers(true);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (err) {
    throw bagError(file, err);
  }
  return db;
}

function checkHeader(file: string, size: number): void {
  const head = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  let n: number;
  try {
    n = readSync(fd, head, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (n < 100 || head.toString('latin1', 0, 16) !== MAGIC) {
    throw new ClaudiaError('E_BAG', `storage file ${file} is not an sqlite3 database (${n < 100 ? `only ${n} bytes` : 'bad header'}); the bag is damaged or not a rosbag2 sqlite3 bag`);
  }
  const rawPage = head.readUInt16BE(16);
  const pageSize = rawPage === 1 ? 65536 : rawPage;
  const walMode = head[18] === 2;
  const pages = head.readUInt32BE(28);
  // The in-header size is valid only when the "version-valid-for" number matches the change counter.
  const sizeValid = head.readUInt32BE(92) === head.readUInt32BE(24) && pages > 0;
  if (!walMode && sizeValid && size < pages * pageSize) {
    throw new ClaudiaError('E_BAG', `storage file ${file} is truncated: ${size} bytes, its header says ${pages * pageSize}; copy the bag again or re-record it`);
  }
}

/** An sqlite failure as E_BAG naming the file and the sqlite reason. */
export function bagError(file: string, err: unknown): ClaudiaError {
  if (err instanceof ClaudiaError) return err;
  const e = err as { code?: string; message?: string };
  const hint =
    e.code === 'SQLITE_CORRUPT' || e.code === 'SQLITE_NOTADB'
      ? 'the file is damaged (truncated copy?); copy the bag again or re-record it'
      : 'check that the file is a rosbag2 sqlite3 storage file';
  return new ClaudiaError('E_BAG', `cannot read ${file}: ${e.message ?? String(err)} (${e.code ?? 'error'}); ${hint}`, { cause: err });
}
