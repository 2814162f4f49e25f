import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../cdr/registry';
import { ConfigError } from '../../util/errors';

/**
 * node-llama-cpp is optional: the default install and `npm start` never load it. It lives
 * in its own small package (embedded-engine/, pinned 3.21.1 with the prebuilt CPU build
 * of llama.cpp), installed by one command, and is imported only when `llm.backend` is
 * `embedded`. A node-llama-cpp installed into the main node_modules is found as well
 * (e.g. a CUDA build on the Jetson).
 */
export const ENGINE_PACKAGE = 'node-llama-cpp';
export const ENGINE_VERSION = '3.21.1';
export const INSTALL_COMMAND = 'npm run install:embedded';

/** Where the engine package may be installed, in the order they are tried. */
export function engineSearchDirs(): string[] {
  const root = packageRoot();
  return [path.join(root, 'embedded-engine', 'node_modules'), path.join(root, 'node_modules')];
}

/** The engine's ESM entry file, or undefined when it is not installed. */
export function findEngineEntry(dirs = engineSearchDirs()): string | undefined {
  for (const dir of dirs) {
    const pkgFile = path.join(dir, ENGINE_PACKAGE, 'package.json');
    if (!existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports?: { '.'?: { import?: string } }; main?: string };
    const entry = pkg.exports?.['.']?.import ?? pkg.main ?? 'index.js';
    return path.join(dir, ENGINE_PACKAGE, entry);
  }
  return undefined;
}

/** The error `llm.backend: embedded` gives without the engine: it names the command that installs it. */
export function engineMissingError(dirs = engineSearchDirs()): ConfigError {
  return new ConfigError(
    `llm.backend is 'embedded' but ${ENGINE_PACKAGE} is not installed (looked in ${dirs.join(', ')}); run \`${INSTALL_COMMAND}\` in ${packageRoot()} (installs ${ENGINE_PACKAGE}@${ENGINE_VERSION} with the CPU build, ~85 MB), or choose llm.backend ollama`,
  );
}

// A real import(): tsc (module commonjs) would turn `import()` into require(), which cannot
// load this ESM-only package (it uses top-level await).
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

/** Imports the engine module; ConfigError naming the install command when it is missing. */
export async function loadEngineModule<T>(dirs = engineSearchDirs()): Promise<T> {
  const entry = findEngineEntry(dirs);
  if (!entry) throw engineMissingError(dirs);
  return (await importEsm(pathToFileURL(entry).href)) as T;
}
