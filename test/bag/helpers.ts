import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** A fresh temp folder per test, removed after; returns a path inside it that does not exist yet. */
export function tempBagDirs(): { next(name?: string): string; cleanup(): void } {
  const roots: string[] = [];
  return {
    next(name = 'bag') {
      const root = mkdtempSync(path.join(tmpdir(), 'claudia-bag-'));
      roots.push(root);
      return path.join(root, name);
    },
    cleanup() {
      for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
    },
  };
}
