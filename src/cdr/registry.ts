import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ClaudiaError } from '../util/errors';
import { parseMessageDefinition, splitActionText, splitServiceText } from './parse-definition';
import type { ActionDefinition, MessageDefinition, MessageRegistry, ServiceDefinition } from './types';

/** One interface file's text and its full type name (`pkg/msg/Name`, `pkg/srv/Name` or `pkg/action/Name`). */
export interface InterfaceSource {
  name: string;
  text: string;
}

const OWN_PACKAGE = 'claudia_llm';
const KINDS = ['msg', 'srv', 'action'] as const;

/** The package root (works from src/cdr under tsx and from dist/cdr after a build). */
export function packageRoot(): string {
  return path.resolve(__dirname, '..', '..');
}

/** The package's msg/, srv/, action/ and vendored interfaces/ folders. */
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
      if (KINDS.includes(sub as (typeof KINDS)[number]) || !isDir(p) || !isPackage(p)) continue;
      sources.push(...readPackage(p, packageName(p)));
    }
  }
  return createMessageRegistry(sources);
}

/** A registry from in-memory sources (tests, generated types). Checks every nested type exists. */
export function createMessageRegistry(sources: InterfaceSource[]): MessageRegistry {
  const messages = new Map<string, MessageDefinition>();
  const services = new Map<string, ServiceDefinition>();
  const actions = new Map<string, ActionDefinition>();
  const add = (def: MessageDefinition) => {
    if (messages.has(def.name)) throw new ClaudiaError('E_CODEC', `interface ${def.name} is defined twice`);
    messages.set(def.name, def);
  };
  const addService = (name: string, pkg: string, req: string, res: string) => {
    const svc = { name, request: `${name}_Request`, response: `${name}_Response` };
    add(parseMessageDefinition(req, svc.request, pkg));
    add(parseMessageDefinition(res, svc.response, pkg));
    services.set(name, svc);
  };
  for (const src of sources) {
    const parts = src.name.split('/');
    if (parts.length !== 3) throw new ClaudiaError('E_CODEC', `interface name '${src.name}' must look like pkg/msg/Name or pkg/srv/Name`);
    const [pkg, kind, base] = parts as [string, string, string];
    if (kind === 'msg') add(parseMessageDefinition(src.text, src.name, pkg));
    else if (kind === 'srv') {
      const [req, res] = splitServiceText(src.text, src.name);
      addService(src.name, pkg, req, res);
    } else if (kind === 'action') {
      // What rosidl generates for an action (rosidl_adapter's action.py): three messages and
      // the two services and the feedback message that wrap them with the goal id.
      const [goal, result, feedback] = splitActionText(src.text, src.name);
      const n = src.name;
      const act: ActionDefinition = {
        name: n, goal: `${n}_Goal`, result: `${n}_Result`, feedback: `${n}_Feedback`,
        sendGoal: `${n}_SendGoal`, getResult: `${n}_GetResult`, feedbackMessage: `${n}_FeedbackMessage`,
      };
      add(parseMessageDefinition(goal, act.goal, pkg));
      add(parseMessageDefinition(result, act.result, pkg));
      add(parseMessageDefinition(feedback, act.feedback, pkg));
      addService(act.sendGoal, pkg, `unique_identifier_msgs/UUID goal_id\n${act.goal} goal`, 'bool accepted\nbuiltin_interfaces/Time stamp');
      addService(act.getResult, pkg, 'unique_identifier_msgs/UUID goal_id', `int8 status\n${act.result} result`);
      add(parseMessageDefinition(`unique_identifier_msgs/UUID goal_id\n${act.feedback} feedback`, act.feedbackMessage, pkg));
      actions.set(n, act);
    } else throw new ClaudiaError('E_CODEC', `interface '${src.name}': kind must be msg, srv or action, not ${kind}`);
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
    action(type) {
      const act = actions.get(normaliseTypeName(type, 'action'));
      if (!act) throw new ClaudiaError('E_CODEC', `unknown action type '${type}'; known actions come from action/`);
      return act;
    },
    types: () => [...messages.keys()].sort(),
    services: () => [...services.keys()].sort(),
    actions: () => [...actions.keys()].sort(),
  };
}

/** `pkg/Name` -> `pkg/msg/Name` (or srv); full names unchanged. */
export function normaliseTypeName(type: string, kind: 'msg' | 'srv' | 'action' = 'msg'): string {
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
  for (const kind of KINDS) {
    const d = path.join(dir, kind);
    if (!isDir(d)) continue;
    for (const file of readdirSync(d).sort()) {
      if (!file.endsWith(`.${kind}`)) continue;
      out.push({ name: `${pkg}/${kind}/${file.slice(0, -(kind.length + 1))}`, text: readFileSync(path.join(d, file), 'utf8') });
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
  return KINDS.some((k) => isDir(path.join(dir, k)));
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
