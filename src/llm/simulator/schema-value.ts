/**
 * Makes a value conform to a JSON schema as the grammar real Ollama / llama-server builds
 * from it would (llama.cpp common/json-schema-to-grammar.cpp): required keys first, then the
 * optional ones, both in `properties` order; no key outside `properties` unless
 * `additionalProperties` is true or a schema (absent counts as forbidden there, not as
 * allowed); `minimum`/`maximum` enforced on integers only, never on numbers (the converter
 * ignores them), so a number out of its documented range gets through as the real model's
 * would. Covers the subset of JSON schema the project's `format` uses.
 */
export type Schema = Record<string, unknown>;

export function conformToSchema(value: unknown, schema: unknown, reply: string): unknown {
  if (!isObject(schema)) return value;
  const alts = (schema['anyOf'] ?? schema['oneOf']) as unknown;
  if (Array.isArray(alts) && alts.length > 0) {
    return conformToSchema(value, pickAlternative(value, alts) ?? alts[0], reply);
  }
  if (Array.isArray(schema['enum'])) {
    const allowed = schema['enum'] as unknown[];
    return allowed.some((a) => a === value) ? value : allowed[0];
  }
  if ('const' in schema) return schema['const'];
  const type = schemaType(schema);
  switch (type) {
    case 'object': {
      const props = isObject(schema['properties']) ? (schema['properties'] as Record<string, unknown>) : {};
      const required = Array.isArray(schema['required']) ? (schema['required'] as string[]) : Object.keys(props);
      const src = isObject(value) ? value : {};
      const out: Record<string, unknown> = {};
      const keys = Object.keys(props);
      // _build_object_rule: required properties first, then optional ones, each in properties order.
      for (const k of [...keys.filter((k) => required.includes(k)), ...keys.filter((k) => !required.includes(k))]) {
        const sub = props[k];
        if (Object.hasOwn(src, k)) out[k] = conformToSchema(src[k], sub, reply);
        else if (required.includes(k)) out[k] = defaultFor(sub, reply);
      }
      if (allowsExtraKeys(schema)) {
        for (const [k, v] of Object.entries(src)) if (!Object.hasOwn(props, k)) out[k] = v;
      }
      return out;
    }
    case 'array': {
      const items = schema['items'];
      const arr = Array.isArray(value) ? value : [];
      // A constrained model cannot emit an item the schema forbids: drop those, keep the rest
      // (an object item whose name matches a branch keeps that branch's keys only).
      let kept = arr.filter((v) => canConform(v, items)).map((v) => conformToSchema(v, items, reply));
      const max = schema['maxItems'];
      if (typeof max === 'number') kept = kept.slice(0, max);
      const min = typeof schema['minItems'] === 'number' ? (schema['minItems'] as number) : 0;
      while (kept.length < min) kept.push(defaultFor(items, reply));
      return kept;
    }
    case 'string':
      return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : reply;
    case 'number':
    case 'integer': {
      let n = typeof value === 'number' && Number.isFinite(value) ? value : Number(value);
      if (!Number.isFinite(n)) return defaultFor(schema, reply);
      if (type === 'number') return n; // number bounds are not grammar: the value passes as the model wrote it
      n = Math.round(n);
      if (typeof schema['minimum'] === 'number') n = Math.max(n, schema['minimum']);
      if (typeof schema['maximum'] === 'number') n = Math.min(n, schema['maximum']);
      return n;
    }
    case 'boolean':
      return typeof value === 'boolean' ? value : Boolean(value);
    case 'null':
      return null;
    default:
      return value;
  }
}

/** The deterministic value a constrained model would produce with nothing better to say. */
export function defaultFor(schema: unknown, reply: string): unknown {
  if (!isObject(schema)) return reply;
  const alts = (schema['anyOf'] ?? schema['oneOf']) as unknown;
  if (Array.isArray(alts) && alts.length > 0) return defaultFor(alts[0], reply);
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return schema['enum'][0];
  if ('const' in schema) return schema['const'];
  switch (schemaType(schema)) {
    case 'object':
      return conformToSchema({}, schema, reply);
    case 'array':
      return conformToSchema([], schema, reply);
    case 'number':
      return 0;
    case 'integer':
      return typeof schema['minimum'] === 'number' ? schema['minimum'] : 0;
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return reply;
  }
}

/**
 * A small validator with the grammar's semantics (what the real server can emit): extra keys
 * are refused unless allowed, number bounds are not checked, integer bounds are. Tests use it
 * to check the simulator's output.
 */
export function validatesAgainst(value: unknown, schema: unknown): boolean {
  if (!isObject(schema)) return true;
  const alts = (schema['anyOf'] ?? schema['oneOf']) as unknown;
  if (Array.isArray(alts)) return alts.some((a) => validatesAgainst(value, a));
  if (Array.isArray(schema['enum'])) return (schema['enum'] as unknown[]).some((a) => a === value);
  if ('const' in schema) return schema['const'] === value;
  const type = schemaType(schema);
  switch (type) {
    case 'object': {
      if (!isObject(value)) return false;
      const props = isObject(schema['properties']) ? (schema['properties'] as Record<string, unknown>) : {};
      const required = Array.isArray(schema['required']) ? (schema['required'] as string[]) : [];
      for (const r of required) if (!(r in value)) return false;
      for (const [k, v] of Object.entries(value)) {
        if (k in props) {
          if (!validatesAgainst(v, props[k])) return false;
        } else if (!allowsExtraKeys(schema)) return false;
      }
      return true;
    }
    case 'array': {
      if (!Array.isArray(value)) return false;
      if (typeof schema['maxItems'] === 'number' && value.length > schema['maxItems']) return false;
      if (typeof schema['minItems'] === 'number' && value.length < schema['minItems']) return false;
      return value.every((v) => validatesAgainst(v, schema['items']));
    }
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && inRange(value, schema);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    default:
      return true;
  }
}

function inRange(n: number, schema: Schema): boolean {
  if (typeof schema['minimum'] === 'number' && n < schema['minimum']) return false;
  if (typeof schema['maximum'] === 'number' && n > schema['maximum']) return false;
  return true;
}

/** _build_object_rule adds a rule for other keys only for `additionalProperties: true` or a schema. */
function allowsExtraKeys(schema: Schema): boolean {
  return schema['additionalProperties'] === true || isObject(schema['additionalProperties']);
}

/**
 * The branch a grammar-constrained model would be in: the first that validates, else (for an
 * object) the first object branch whose `const` properties the value agrees with, as a model
 * that wrote {"n":"sit", ...} is held to sit's keys by the grammar.
 */
function pickAlternative(value: unknown, alts: unknown[]): unknown {
  const valid = alts.find((a) => validatesAgainst(value, a));
  if (valid !== undefined || !isObject(value)) return valid;
  return alts.find((a) => {
    if (!isObject(a) || !isObject(a['properties'])) return false;
    const consts = Object.entries(a['properties'] as Record<string, unknown>).filter(([, p]) => isObject(p) && 'const' in p);
    return consts.length > 0 && consts.every(([k, p]) => value[k] === (p as Schema)['const']);
  });
}

function canConform(value: unknown, schema: unknown): boolean {
  if (isObject(schema) && Array.isArray(schema['anyOf'] ?? schema['oneOf'])) {
    return pickAlternative(value, (schema['anyOf'] ?? schema['oneOf']) as unknown[]) !== undefined;
  }
  return validatesAgainst(value, schema);
}

function schemaType(schema: Schema): string | undefined {
  const t = schema['type'];
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.find((x) => x !== 'null') as string | undefined;
  if (isObject(schema['properties'])) return 'object';
  if (schema['items'] !== undefined) return 'array';
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
