import type { ActionCatalogue, ParamSpec } from '../robot/catalogue';

/**
 * Ollama `format` JSON schema: actions first ("a"), then the reply ("r"), so the stream
 * yields the actions early. The action enum comes from the catalogue (enabled actions
 * only), so a grammar-constrained model cannot name an action that does not exist. An
 * item is a bare name or {"n": name, ...params}; the parameter bounds of the catalogue are
 * repeated here, and the safety compiler checks them again.
 */
export function buildOutputSchema(catalogue: ActionCatalogue, opts: { actions: boolean; maxActions: number }): Record<string, unknown> {
  const reply = { type: 'string' };
  if (!opts.actions) return { type: 'object', properties: { r: reply }, required: ['r'] };
  const names = catalogue.names();
  const params: Record<string, unknown> = {};
  const seen = new Map<string, ParamSpec[]>();
  for (const name of names) {
    for (const [p, spec] of Object.entries(catalogue.byName(name)?.params ?? {})) {
      if (p === 'n') continue;
      seen.set(p, [...(seen.get(p) ?? []), spec]);
    }
  }
  for (const [p, specs] of seen) {
    const variants = new Map<string, Record<string, unknown>>();
    for (const s of specs) {
      const v: Record<string, unknown> = { type: s.type };
      if (s.type !== 'boolean' && typeof s.min === 'number') v['minimum'] = s.min;
      if (s.type !== 'boolean' && typeof s.max === 'number') v['maximum'] = s.max;
      variants.set(JSON.stringify(v), v);
    }
    const list = [...variants.values()];
    params[p] = list.length === 1 ? list[0] : { anyOf: list };
  }
  const nameSchema = { type: 'string', enum: names };
  const item = {
    anyOf: [nameSchema, { type: 'object', properties: { n: nameSchema, ...params }, required: ['n'], additionalProperties: false }],
  };
  return {
    type: 'object',
    properties: { a: { type: 'array', items: item, maxItems: opts.maxActions }, r: reply },
    required: ['a', 'r'],
  };
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
