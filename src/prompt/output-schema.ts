import type { ActionCatalogue, ParamSpec } from '../robot/catalogue';

/**
 * The JSON-schema keywords llama.cpp's converter (common/json-schema-to-grammar.cpp,
 * `common_schema_converter::visit` and `_build_object_rule`) turns into grammar. Ollama
 * (llama-server runner) and llama-server itself convert `format` / `response_format` with it,
 * so a keyword outside this set is silently not enforced. Notes from that source:
 * - `minimum`/`maximum` (and the exclusive forms) are only enforced on `type: integer`
 *   (`build_min_max_int`); on `number` they are ignored ("TODO: support minimum, maximum ...").
 * - an object accepts no key outside `properties` unless `additionalProperties` is true or a
 *   schema, so `additionalProperties: false` changes nothing (kept for other validators);
 * - required keys come first, in `properties` order, then the optional ones.
 * `description` and `title` are annotations: not grammar, never rejected.
 */
export const GRAMMAR_KEYWORDS: ReadonlySet<string> = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'items', 'prefixItems', 'minItems', 'maxItems',
  'anyOf', 'oneOf', 'allOf', 'enum', 'const', '$ref', '$defs', 'pattern', 'format', 'minLength', 'maxLength',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'description', 'title',
]);

/**
 * Ollama `format` / OpenAI `response_format` JSON schema: actions first ("a"), then the
 * reply ("r"), so the stream yields the actions early. An item is a bare action name or
 * {"n": name, ...params}, one `anyOf` branch per enabled catalogue action with exactly that
 * action's parameters, so "sit" cannot carry a distance. Integer bounds are grammar; number
 * bounds are only described (the grammar ignores them): the safety compiler is the
 * authority for every bound and refuses what is out of range.
 */
export function buildOutputSchema(catalogue: ActionCatalogue, opts: { actions: boolean; maxActions: number }): Record<string, unknown> {
  const reply = { type: 'string' };
  if (!opts.actions) return { type: 'object', properties: { r: reply }, required: ['r'] };
  const names = catalogue.names();
  const branches: Record<string, unknown>[] = [{ type: 'string', enum: names }];
  for (const name of names) {
    const params: Record<string, unknown> = {};
    for (const [p, spec] of Object.entries(catalogue.byName(name)?.params ?? {})) {
      if (p !== 'n') params[p] = paramSchema(spec);
    }
    branches.push({ type: 'object', properties: { n: { const: name }, ...params }, required: ['n'], additionalProperties: false });
  }
  return {
    type: 'object',
    properties: { a: { type: 'array', items: { anyOf: branches }, maxItems: opts.maxActions }, r: reply },
    required: ['a', 'r'],
  };
}

function paramSchema(spec: ParamSpec): Record<string, unknown> {
  const v: Record<string, unknown> = { type: spec.type };
  if (spec.type === 'boolean') return v;
  const bounded = typeof spec.min === 'number' || typeof spec.max === 'number';
  if (spec.type === 'integer' && Number.isInteger(spec.min ?? 0) && Number.isInteger(spec.max ?? 0)) {
    if (typeof spec.min === 'number') v['minimum'] = spec.min;
    if (typeof spec.max === 'number') v['maximum'] = spec.max;
  } else if (bounded) {
    v['description'] = `${spec.min ?? '-inf'}..${spec.max ?? 'inf'}; out of range is refused`;
  }
  return v;
}

/** The action list as the system prompt shows it: byte-stable for a given catalogue. */
export function describeActions(catalogue: ActionCatalogue): string {
  const lines: string[] = [];
  for (const name of catalogue.names()) {
    const spec = catalogue.byName(name);
    if (!spec) continue;
    const params = Object.entries(spec.params)
      .map(([p, s]) => `${p}${s.type === 'boolean' ? ':bool' : typeof s.min === 'number' && typeof s.max === 'number' ? `:${s.min}..${s.max}` : ''}`)
      .join(', ');
    const risk = spec.risk === 'high' ? ' [high risk: only when explicitly asked]' : '';
    lines.push(`- ${name}: ${spec.replies.en}${params ? ` (${params})` : ''}${risk}`);
  }
  return lines.join('\n');
}
