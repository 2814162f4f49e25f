import * as path from 'node:path';

/**
 * The workplace's shared folder (data sets, CDR fixtures) sits beside the repository
 * (`../shared`), in development and in CI's fresh clone alike.
 */
export const SHARED_DIR = path.resolve(__dirname, '..', '..', '..', 'shared');
export const sharedPath = (...parts: string[]): string => path.join(SHARED_DIR, ...parts);
