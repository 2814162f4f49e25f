import { ClaudiaError } from '../../util/errors';

/**
 * The output JSON schema in the dialect node-llama-cpp's grammar builder
 * (`createGrammarForJsonSchema`) understands. That builder does not know `anyOf` (it
 * treats an unknown schema as "any JSON value", so `null` would pass as an action) nor
 * numeric bounds, so: `anyOf` becomes `oneOf` (the branches of our schema never overlap:
 * a bare name or an object), `{type: string, enum}` becomes `{enum}`, and
 * minimum/maximum are dropped (the safety compiler checks every bound again after
 * parsing). Any other keyword it would ignore is an error here, so no unsupported keyword
 * silently loosens the grammar.
 */
const KEPT = new Set(['type', 'enum', 'const', 'properties', 'required', 'additionalProperties', 'items', 'prefixItems', 'minItems', 'maxItems', 'minLength', 'maxLength', 'minProperties', 'maxProperties', 'description', 'format', '$defs', '$ref', 'oneOf']);
/** Checked after parsing (safety compiler) or without effect on the output. */
const DROPPED = new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'title', '$schema', '$id', 'default', 'examples']);

export function toGbnfJsonSchema(schema: unknown, where = '#'): Record<string, unknown> {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    throw new ClaudiaError('E_CONFIG', `output schema at ${where} is not a schema object`);
  }
  const src = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) {
    if (DROPPED.has(k)) continue;
    const at = `${where}/${k}`;
    if (k === 'anyOf' || k === 'oneOf') {
      if (!Array.isArray(v) || v.length === 0) throw new ClaudiaError('E_CONFIG', `output schema at ${at} must be a non-empty list`);
      if ('oneOf' in out) throw new ClaudiaError('E_CONFIG', `output schema at ${where} has both anyOf and oneOf`);
      out['oneOf'] = v.map((s, i) => toGbnfJsonSchema(s, `${at}/${i}`));
    } else if (k === 'properties' || k === '$defs') {
      const props: Record<string, unknown> = {};
      for (const [p, s] of Object.entries(v as Record<string, unknown>)) props[p] = toGbnfJsonSchema(s, `${at}/${p}`);
      out[k] = props;
    } else if (k === 'items' || (k === 'additionalProperties' && typeof v === 'object')) {
      out[k] = toGbnfJsonSchema(v, at);
    } else if (k === 'prefixItems') {
      out[k] = (v as unknown[]).map((s, i) => toGbnfJsonSchema(s, `${at}/${i}`));
    } else if (KEPT.has(k)) {
      out[k] = v;
    } else {
      throw new ClaudiaError('E_CONFIG', `output schema at ${at}: the embedded engine's grammar builder does not support '${k}'`);
    }
  }
  // An enum with its type: the builder reads `type` first and would allow any string.
  if ('enum' in out && out['type'] === 'string') delete out['type'];
  if ('const' in out && typeof out['type'] === 'string') delete out['type'];
  return out;
}
