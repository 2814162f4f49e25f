/**
 * Makes a value conform to a JSON schema, as a grammar-constrained model's output would:
 * keys in the schema's property order, only enum values the schema allows, required fields
 * present. Covers the subset of JSON schema that Ollama's `format` uses (object, array,
 * string, number, integer, boolean, enum, required, additionalProperties, anyOf/oneOf).
 */
export type Schema = Record<string, unknown>;

export function conformToSchema(value: unknown, schema: unknown, reply: string): unknown {
  if (!isObject(schema)) return value;
  const alts = (schema['anyOf'] ?? schema['oneOf']) as unknown;
  if (Array.isArray(alts) && alts.length > 0) {
    for (const alt of alts) if (validatesAgainst(value, alt)) return conformToSchema(value, alt, reply);
    return conformToSchema(value, alts[0], reply);
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
      for (const [k, sub] of Object.entries(props)) {
        if (k in src) out[k] = conformToSchema(src[k], sub, reply);
        else if (required.includes(k)) out[k] = defaultFor(sub, reply);
      }
      if (schema['additionalProperties'] !== false && isObject(value)) {
        for (const [k, v] of Object.entries(value)) if (!(k in props)) out[k] = v;
      }
      return out;
    }
    case 'array': {
      const items = schema['items'];
      const arr = Array.isArray(value) ? value : [];
      // A constrained model cannot emit an item the schema forbids: drop those, keep the rest.
      let kept = arr.filter((v) => validatesAgainst(v, items)).map((v) => conformToSchema(v, items, reply));
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
      if (type === 'integer') n = Math.round(n);
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

/** A small validator for the same subset; tests use it to check the simulator's output. */
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
        } else if (schema['additionalProperties'] === false) return false;
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
      return typeof value === 'number' && Number.isFinite(value) && inRange(value, schema);
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
