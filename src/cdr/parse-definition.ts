import { ClaudiaError } from '../util/errors';
import { PRIMITIVE_TYPES, type ConstantDefinition, type FieldDefinition, type MessageDefinition } from './types';

/** ROS 1 style aliases still found in .msg files. */
const ALIASES: Record<string, string> = {
  time: 'builtin_interfaces/msg/Time',
  duration: 'builtin_interfaces/msg/Duration',
};

const NAME_RE = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Parses the text of a .msg file (or one half of a .srv) into a definition.
 * `pkg` resolves package-relative type names (`Gid` -> `pkg/msg/Gid`).
 */
export function parseMessageDefinition(text: string, fullName: string, pkg: string): MessageDefinition {
  const fields: FieldDefinition[] = [];
  const constants: ConstantDefinition[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const where = `${fullName} line ${i + 1}`;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(\S+)\s+(.*)$/.exec(line);
    if (!m) throw new ClaudiaError('E_CODEC', `${where}: expected 'TYPE NAME', got '${line}'`);
    const typeToken = m[1] as string;
    const rest = m[2] as string;
    const constant = /^([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(rest);
    if (constant) {
      constants.push(parseConstant(typeToken, constant[1] as string, constant[2] as string, where));
      return;
    }
    // Field: NAME [default value] [# comment]
    const fm = /^([A-Za-z][A-Za-z0-9_]*)(?:\s+(.*))?$/.exec(stripComment(rest));
    if (!fm) throw new ClaudiaError('E_CODEC', `${where}: bad field name in '${line}'`);
    fields.push(parseFieldType(typeToken, fm[1] as string, pkg, where));
  });
  return { name: fullName, fields, constants };
}

/** Splits a .srv text at the `---` line into request and response texts. */
export function splitServiceText(text: string, fullName: string): [string, string] {
  const lines = text.split(/\r?\n/);
  const idx = lines.findIndex((l) => l.trim() === '---');
  if (idx < 0) throw new ClaudiaError('E_CODEC', `${fullName}: a .srv file needs a '---' line between request and response`);
  return [lines.slice(0, idx).join('\n'), lines.slice(idx + 1).join('\n')];
}

/** An .action file's goal, result and feedback parts (separated by two '---' lines). */
export function splitActionText(text: string, fullName: string): [string, string, string] {
  const lines = text.split(/\r?\n/);
  const cuts = lines.flatMap((l, i) => (l.trim() === '---' ? [i] : []));
  if (cuts.length !== 2) throw new ClaudiaError('E_CODEC', `${fullName}: an .action file needs two '---' lines (goal, result, feedback); found ${cuts.length}`);
  const [a, b] = cuts as [number, number];
  return [lines.slice(0, a).join('\n'), lines.slice(a + 1, b).join('\n'), lines.slice(b + 1).join('\n')];
}

function stripComment(s: string): string {
  const i = s.indexOf('#');
  return (i >= 0 ? s.slice(0, i) : s).trim();
}

function parseFieldType(token: string, name: string, pkg: string, where: string): FieldDefinition {
  if (!NAME_RE.test(name)) throw new ClaudiaError('E_CODEC', `${where}: '${name}' is not a valid field name`);
  const am = /^([^[\]]+)(?:\[(<=)?(\d*)\])?$/.exec(token);
  if (!am) throw new ClaudiaError('E_CODEC', `${where}: cannot read type '${token}'`);
  let base = am[1] as string;
  const bounded = am[2] === '<=';
  const len = am[3];
  const hasBrackets = token.includes('[');
  let stringBound: number | undefined;
  const sb = /^string<=(\d+)$/.exec(base);
  if (sb) {
    base = 'string';
    stringBound = Number(sb[1]);
  }
  if (base === 'wstring' || base.startsWith('wstring<=')) {
    throw new ClaudiaError('E_CODEC', `${where}: wstring is not supported by this codec; use string (UTF-8)`);
  }
  const field: FieldDefinition = { name, type: base, isPrimitive: true, array: 'none' };
  if (stringBound !== undefined) field.stringBound = stringBound;
  if (!PRIMITIVE_TYPES.has(base)) {
    field.isPrimitive = false;
    field.type = resolveTypeName(base, pkg, where);
  }
  if (hasBrackets) {
    if (len === '' || len === undefined) {
      if (bounded) throw new ClaudiaError('E_CODEC', `${where}: bounded sequence '${token}' needs a length`);
      field.array = 'sequence';
    } else {
      field.array = bounded ? 'sequence' : 'fixed';
      field.arrayLength = Number(len);
    }
  }
  return field;
}

/** `Gid` -> `pkg/msg/Gid`; `std_msgs/Header` -> `std_msgs/msg/Header`; full names unchanged. */
export function resolveTypeName(name: string, pkg: string, where = name): string {
  const alias = ALIASES[name];
  if (alias) return alias;
  const parts = name.split('/');
  if (parts.length === 1) return `${pkg}/msg/${name}`;
  if (parts.length === 2) return `${parts[0]}/msg/${parts[1]}`;
  if (parts.length === 3) return name;
  throw new ClaudiaError('E_CODEC', `${where}: cannot resolve type name '${name}'`);
}

function parseConstant(type: string, name: string, rawValue: string, where: string): ConstantDefinition {
  if (type === 'string' || type.startsWith('string<=')) {
    let v = rawValue.trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    return { name, type: 'string', value: v };
  }
  const v = stripComment(rawValue);
  if (type === 'bool') return { name, type, value: v === 'true' || v === 'True' || v === '1' };
  if (type === 'int64' || type === 'uint64') {
    try {
      return { name, type, value: BigInt(v) };
    } catch {
      throw new ClaudiaError('E_CODEC', `${where}: constant ${name} has a bad value '${v}'`);
    }
  }
  const n = Number(v);
  if (!PRIMITIVE_TYPES.has(type) || Number.isNaN(n)) throw new ClaudiaError('E_CODEC', `${where}: constant ${name} of type '${type}' has a bad value '${v}'`);
  return { name, type, value: n };
}
