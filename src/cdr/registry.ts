import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ClaudiaError } from '../util/errors';
import { parseMessageDefinition, splitServiceText } from './parse-definition';
import type { MessageDefinition, MessageRegistry, ServiceDefinition } from './types';

/** One interface file's text and its full type name (`pkg/msg/Name` or `pkg/srv/Name`). */
export interface InterfaceSource {
  name: string;
  text: string;
}

const OWN_PACKAGE = 'claudia_llm';

/** The package root (works from src/cdr under tsx and from dist/cdr after a build). */
export function packageRoot(): string {
  return path.resolve(__dirname, '..', '..');
}

/** The package's msg/, srv/ and vendored interfaces/ folders. */
export function defaultInterfaceDirs(): string[] {
  return [packageRoot(), path.join(packageRoot(), 'interfaces')];
}

/**
 * Reads every .msg/.srv below `dirs`. A dir that holds msg/ or srv/ is a package (named by
 * its package.xml, else its folder name); each sub-folder holding msg/ or srv/ is one too,
 * which is how interfaces/ vendors third-party packages.
 */
export function loadMessageRegistry(dirs: string[] = defaultInterfaceDirs()): MessageRegistry {
  const sources: InterfaceSource[] = [];
  for (const dir of dirs) {
    if (!isDir(dir)) throw new ClaudiaError('E_CODEC', `interface folder ${dir} does not exist`);
    if (isPackage(dir)) sources.push(...readPackage(dir, packageName(dir)));
    for (const sub of readdirSync(dir).sort()) {
      const p = path.join(dir, sub);
      if (sub === 'msg' || sub === 'srv' || !isDir(p) || !isPackage(p)) continue;
      sources.push(...readPackage(p, packageName(p)));
    }
  }
  return createMessageRegistry(sources);
}

/** A registry from in-memory sources (tests, generated types). Checks every nested type exists. */
export function createMessageRegistry(sources: InterfaceSource[]): MessageRegistry {
  const messages = new Map<string, MessageDefinition>();
  const services = new Map<string, ServiceDefinition>();
  const add = (def: MessageDefinition) => {
    if (messages.has(def.name)) throw new ClaudiaError('E_CODEC', `interface ${def.name} is defined twice`);
    messages.set(def.name, def);
  };
  for (const src of sources) {
    const parts = src.name.split('/');
    if (parts.length !== 3) throw new ClaudiaError('E_CODEC', `interface name '${src.name}' must look like pkg/msg/Name or pkg/srv/Name`);
    const [pkg, kind, base] = parts as [string, string, string];
    if (kind === 'msg') add(parseMessageDefinition(src.text, src.name, pkg));
    else if (kind === 'srv') {
      const [req, res] = splitServiceText(src.text, src.name);
      const svc = { name: src.name, request: `${src.name}_Request`, response: `${src.name}_Response` };
      add(parseMessageDefinition(req, svc.request, pkg));
      add(parseMessageDefinition(res, svc.response, pkg));
      services.set(src.name, svc);
    } else throw new ClaudiaError('E_CODEC', `interface '${src.name}': kind must be msg or srv, not ${kind}`);
    void base;
  }
  for (const def of messages.values()) {
    for (const f of def.fields) {
      if (f.isPrimitive || messages.has(f.type)) continue;
      // ROS 1 habit: a bare `Header` means std_msgs/Header.
      if (f.type.endsWith('/msg/Header') && messages.has('std_msgs/msg/Header')) {
        f.type = 'std_msgs/msg/Header';
        continue;
      }
      throw new ClaudiaError('E_CODEC', `${def.name}: field '${f.name}' uses unknown type ${f.type}; add its .msg to interfaces/`);
    }
  }
  checkNoCycles(messages);
  return {
    has: (type) => messages.has(normaliseTypeName(type)),
    get(type) {
      const def = messages.get(normaliseTypeName(type));
      if (!def) throw new ClaudiaError('E_CODEC', `unknown message type '${type}'; known types come from msg/, srv/ and interfaces/`);
      return def;
    },
    service(type) {
      const svc = services.get(normaliseTypeName(type, 'srv'));
      if (!svc) throw new ClaudiaError('E_CODEC', `unknown service type '${type}'`);
      return svc;
    },
    types: () => [...messages.keys()].sort(),
    services: () => [...services.keys()].sort(),
  };
}

/** `pkg/Name` -> `pkg/msg/Name` (or srv); full names unchanged. */
export function normaliseTypeName(type: string, kind: 'msg' | 'srv' = 'msg'): string {
  const parts = type.split('/');
  return parts.length === 2 ? `${parts[0]}/${kind}/${parts[1]}` : type;
}

function checkNoCycles(messages: Map<string, MessageDefinition>): void {
  const state = new Map<string, 1 | 2>();
  const visit = (name: string, trail: string[]) => {
    const s = state.get(name);
    if (s === 2) return;
    if (s === 1) throw new ClaudiaError('E_CODEC', `recursive message types are not allowed: ${[...trail, name].join(' -> ')}`);
    state.set(name, 1);
    for (const f of messages.get(name)?.fields ?? []) if (!f.isPrimitive) visit(f.type, [...trail, name]);
    state.set(name, 2);
  };
  for (const name of messages.keys()) visit(name, []);
}

function readPackage(dir: string, pkg: string): InterfaceSource[] {
  const out: InterfaceSource[] = [];
  for (const kind of ['msg', 'srv'] as const) {
    const d = path.join(dir, kind);
    if (!isDir(d)) continue;
    for (const file of readdirSync(d).sort()) {
      if (!file.endsWith(`.${kind}`)) continue;
      out.push({ name: `${pkg}/${kind}/${file.slice(0, -4)}`, text: readFileSync(path.join(d, file), 'utf8') });
    }
  }
  return out;
}

function packageName(dir: string): string {
  const xml = path.join(dir, 'package.xml');
  if (existsSync(xml)) {
    const m = /<name>\s*([^<\s]+)\s*<\/name>/.exec(readFileSync(xml, 'utf8'));
    if (m) return m[1] as string;
  }
  // This package before package.xml exists (or in a bundle that dropped it).
  if (path.resolve(dir) === packageRoot()) return OWN_PACKAGE;
  return path.basename(path.resolve(dir));
}

function isPackage(dir: string): boolean {
  return isDir(path.join(dir, 'msg')) || isDir(path.join(dir, 'srv'));
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
