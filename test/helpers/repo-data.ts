import * as path from 'node:path';

/** The repository root: tests read data sets and wire captures only from inside the clone. */
export const REPO_DIR = path.resolve(__dirname, '..', '..');
/** Development data sets (`data/`, copied with their README from the project's shared data). */
export const dataPath = (...parts: string[]): string => path.join(REPO_DIR, 'data', ...parts);
/** Byte-exact wire captures (`test/fixtures/`, with their provenance notes). */
export const fixturePath = (...parts: string[]): string => path.join(REPO_DIR, 'test', 'fixtures', ...parts);
