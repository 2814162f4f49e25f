import { mkdirSync, realpathSync, statSync } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { ConfigError, asClaudiaError } from '../util/errors';
import { jsonReplacer, type Logger } from '../util/logger';

export interface AuditLog {
  /** Queues one record as a JSONL line; never blocks and never throws. */
  write(record: unknown): void;
  /** Resolves when everything queued so far is on disk. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface AuditLogOptions {
  path: string;
  /** Rotate before a write would make the file larger than this. */
  maxBytes: number;
  /** Rotated files kept (`<path>.1` newest ... `<path>.N` oldest) besides the live file. */
  maxFiles: number;
  logger: Logger;
  /** Lines waiting for the disk beyond this are dropped (and counted), never buffered without bound. */
  maxQueue?: number;
  onDrop?: (n: number) => void;
}

/**
 * Append-only JSONL with size rotation. Writes happen off the request path: lines are
 * queued and one async writer appends them in batches, so a slow SD card delays the log,
 * not a stop.
 */
export function createAuditLog(opts: AuditLogOptions): AuditLog {
  const maxQueue = opts.maxQueue ?? 10_000;
  checkAuditPath(opts.path);
  let queue: string[] = [];
  let fh: FileHandle | undefined;
  let size = -1;
  let running: Promise<void> | undefined;
  let closed = false;
  let failing = false;

  const openFile = async () => {
    fh = await open(opts.path, 'a');
    size = (await fh.stat()).size;
  };

  const rotate = async () => {
    await fh?.close();
    fh = undefined;
    if (opts.maxFiles <= 0) {
      await rm(opts.path, { force: true });
    } else {
      await rm(`${opts.path}.${opts.maxFiles}`, { force: true });
      for (let i = opts.maxFiles - 1; i >= 1; i--) {
        await rename(`${opts.path}.${i}`, `${opts.path}.${i + 1}`).catch(() => undefined);
      }
      await rename(opts.path, `${opts.path}.1`).catch(() => undefined);
    }
    await openFile();
  };

  const drain = async () => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        if (!fh) await openFile();
        let chunk = '';
        let chunkBytes = 0;
        for (const line of batch) {
          const bytes = Buffer.byteLength(line) + 1;
          // Rotate before the file would pass maxBytes (a single huge line still gets written, alone).
          if (size + chunkBytes + bytes > opts.maxBytes && size + chunkBytes > 0) {
            if (chunk) await (fh as FileHandle).appendFile(chunk);
            chunk = '';
            chunkBytes = 0;
            await rotate();
          }
          chunk += line + '\n';
          chunkBytes += bytes;
        }
        if (chunk) {
          await (fh as FileHandle).appendFile(chunk);
          size += chunkBytes;
        }
        failing = false;
      } catch (err) {
        opts.onDrop?.(batch.length);
        if (!failing) opts.logger.error('audit log write failed; lines dropped', { path: opts.path, error: asClaudiaError(err).toField() });
        failing = true;
        await fh?.close().catch(() => undefined);
        fh = undefined;
      }
    }
  };

  const kick = () => {
    if (running) return;
    running = drain().finally(() => {
      running = undefined;
      if (queue.length > 0 && !closed) kick();
    });
  };

  return {
    write(record) {
      if (closed) return;
      if (queue.length >= maxQueue) {
        opts.onDrop?.(1);
        return;
      }
      let line: string;
      try {
        line = JSON.stringify(record, jsonReplacer);
      } catch (err) {
        opts.onDrop?.(1);
        opts.logger.warn('audit record not serialisable', { error: String(err) });
        return;
      }
      queue.push(line);
      kick();
    },
    async flush() {
      while (running || queue.length > 0) {
        kick();
        await running;
      }
    },
    async close() {
      await this.flush();
      closed = true;
      await fh?.close().catch(() => undefined);
      fh = undefined;
    },
  };
}

/** Kernel and device file systems: a "file" there never ends or is not a file at all. */
const SPECIAL_ROOTS = ['/proc', '/sys', '/dev'];
const under = (p: string, root: string) => p === root || p.startsWith(`${root}/`);

/**
 * The audit log is a regular file on a real file system: refused under /proc, /sys and /dev
 * (writing there can spin or fill nothing), refused when the path exists and is not a
 * regular file, and its directory must be creatable. Throws ConfigError naming audit.path.
 */
export function checkAuditPath(file: string): void {
  const abs = path.resolve(file);
  const refuse = (why: string) => new ConfigError(`audit.path ${file} ${why}; point audit.path at a regular file (or "" for no audit log)`);
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  const dir = path.dirname(abs);
  for (const p of [abs, real(abs), real(dir)]) {
    if (SPECIAL_ROOTS.some((r) => under(p, r))) throw refuse(`is under ${SPECIAL_ROOTS.find((r) => under(p, r))}`);
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw refuse(`cannot be created: its directory ${dir} cannot be made (${(err as Error).message})`);
  }
  let st;
  try {
    st = statSync(abs);
  } catch {
    return; // created on the first write
  }
  if (!st.isFile()) throw refuse(`is not a regular file (${st.isDirectory() ? 'a directory' : 'a device, pipe or socket'})`);
}

/** Current file size, 0 when absent (for tests and the summary). */
export async function fileSize(p: string): Promise<number> {
  return stat(p).then((s) => s.size, () => 0);
}
