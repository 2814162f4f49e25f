import { randomBytes } from 'node:crypto';

/** Short random ids for requests; unique enough across restarts, readable in logs. */
export function newRequestId(): string {
  return 'r-' + randomBytes(6).toString('hex');
}
