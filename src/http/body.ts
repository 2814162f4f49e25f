import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/** Looks at one piece of text for a stop word; returns what it fired (truthy) or undefined. */
export type StopCheck<T> = (text: string) => T | undefined;

export interface StopScanner<T> {
  push(text: string): void;
  /** Scans what is left; returns the first hit of the whole stream. */
  end(): T | undefined;
  hit(): T | undefined;
}

/** Characters scanned again at every window boundary, so a word split across two windows is seen. */
const OVERLAP = 64;

/**
 * Feeds text of any length to the emergency reflex in windows of at most `windowChars`
 * (the length the reflex is guaranteed to read whole), overlapping by a few characters,
 * holding no more than one window. JSON clients may escape non-ASCII (`\u6b62`), so a
 * window with escapes is also read unescaped.
 */
export function createStopScanner<T>(check: StopCheck<T>, windowChars: number): StopScanner<T> {
  const size = Math.max(OVERLAP * 2, windowChars);
  let pending = '';
  let fresh = 0;
  let found: T | undefined;
  const look = (w: string) => {
    found = check(w);
    if (found === undefined && w.includes('\\u')) found = check(unescapeJson(w));
  };
  return {
    push(text) {
      if (found !== undefined || text.length === 0) return;
      pending += text;
      fresh += text.length;
      while (pending.length >= size && found === undefined) {
        look(pending.slice(0, size));
        pending = pending.slice(size - OVERLAP);
        fresh = pending.length > OVERLAP ? pending.length - OVERLAP : 0;
      }
    },
    end() {
      if (found === undefined && fresh > 0) look(pending);
      pending = '';
      fresh = 0;
      return found;
    },
    hit: () => found,
  };
}

/** Scans a whole string (a refused body, a field) in windows. */
export function scanText<T>(text: string, check: StopCheck<T>, windowChars: number): T | undefined {
  const s = createStopScanner(check, windowChars);
  s.push(text);
  return s.end();
}

function unescapeJson(s: string): string {
  return s.replace(/\\u([0-9a-fA-F]{4})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export interface BodyRead<T> {
  /** The body as text; empty when it was over the limit (it was scanned, not kept). */
  text: string;
  bytes: number;
  oversize: boolean;
  /** Set when the body was over the limit and the scan found a stop word. */
  stop?: T;
}

/**
 * Reads a request body up to `limit` bytes. A larger body is not kept but read on to its
 * end through the stop scanner, so a stop word anywhere in it still stops the robot (as
 * soon as the scanner reaches it) before the request is refused.
 */
export function readBody<T>(stream: Readable, limit: number, scanner: () => StopScanner<T>): Promise<BodyRead<T>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let scan: StopScanner<T> | undefined;
    const decoder = new StringDecoder('utf8');
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (!scan) {
        if (bytes <= limit) {
          chunks.push(chunk);
          return;
        }
        scan = scanner();
        for (const c of chunks) scan.push(decoder.write(c));
        chunks.length = 0;
      }
      if (scan.hit() === undefined) scan.push(decoder.write(chunk));
    });
    stream.once('end', () => {
      if (!scan) return resolve({ text: Buffer.concat(chunks).toString('utf8'), bytes, oversize: false });
      if (scan.hit() === undefined) scan.push(decoder.end());
      resolve({ text: '', bytes, oversize: true, stop: scan.end() });
    });
    stream.once('error', reject);
    // A client that goes away mid-body: nothing to answer (what was scanned has acted).
    stream.once('close', () => reject(new Error('the client closed the connection before the body ended')));
  });
}
