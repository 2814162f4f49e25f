import { expect } from 'chai';
import { conformToSchema, validatesAgainst } from '../../src/llm/simulator';
import { buildOutputSchema, GRAMMAR_KEYWORDS } from '../../src/prompt/output-schema';
import { parseCatalogue } from '../../src/robot/catalogue';
import { catalogue } from '../llm/llm-fixtures';

type Branch = { type: string; enum?: string[]; properties?: Record<string, Record<string, unknown>>; required?: string[] };

/** Every key used as a schema keyword (property names under `properties` are data, not keywords). */
function keywordsOf(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const s of schema) keywordsOf(s, out);
  else if (typeof schema === 'object' && schema !== null) {
    for (const [k, v] of Object.entries(schema)) {
      out.add(k);
      if (k === 'properties' || k === '$defs') for (const sub of Object.values(v as object)) keywordsOf(sub, out);
      else if (k !== 'enum' && k !== 'const' && k !== 'required') keywordsOf(v, out);
    }
  }
  return out;
}

describe('prompt/output-schema: one branch per action, only grammar keywords', () => {
  const cat = catalogue();
  const schema = buildOutputSchema(cat, { actions: true, maxActions: 3 });
  const branches = (schema['properties'] as { a: { items: { anyOf: Branch[] } } }).a.items.anyOf;

  it('uses only keywords llama.cpp json-schema-to-grammar.cpp converts (and number bounds nowhere)', () => {
    const used = keywordsOf(schema);
    for (const k of used) expect(GRAMMAR_KEYWORDS.has(k), `keyword ${k}`).to.equal(true);
    // The keyword walk itself can fail: a keyword outside the set is found.
    expect([...keywordsOf({ type: 'string', multipleOf: 2 })].filter((k) => !GRAMMAR_KEYWORDS.has(k))).to.deep.equal(['multipleOf']);
    // minimum/maximum appear only on integers (the converter ignores them on numbers).
    const walk = (s: unknown): void => {
      if (Array.isArray(s)) s.forEach(walk);
      else if (typeof s === 'object' && s !== null) {
        const o = s as Record<string, unknown>;
        if ('minimum' in o || 'maximum' in o) expect(o['type']).to.equal('integer');
        Object.values(o).forEach(walk);
      }
    };
    walk(schema);
    expect(JSON.stringify(schema)).to.include('"minimum":-1'); // speed_level's integer data keeps its bounds
  });

  it('has a bare-name branch first, then one object branch per enabled action with exactly its parameters, n first', () => {
    expect(branches[0]).to.deep.equal({ type: 'string', enum: cat.names() });
    expect(branches.slice(1).map((b) => b.properties?.['n']?.['const'])).to.deep.equal(cat.names());
    for (const b of branches.slice(1)) {
      const name = b.properties?.['n']?.['const'] as string;
      expect(Object.keys(b.properties ?? {})).to.deep.equal(['n', ...Object.keys(cat.byName(name)?.params ?? {})]);
      expect(b.required).to.deep.equal(['n']);
    }
    const sit = branches.find((b) => b.properties?.['n']?.['const'] === 'sit');
    expect(Object.keys(sit?.properties ?? {})).to.deep.equal(['n']);
    const fwd = branches.find((b) => b.properties?.['n']?.['const'] === 'forward');
    expect(fwd?.properties?.['distance_m']).to.deep.equal({ type: 'number', description: '0..5; out of range is refused' });
    expect(Object.keys(schema['properties'] as object)).to.deep.equal(['a', 'r']);
    expect(schema['required']).to.deep.equal(['a', 'r']);
  });

  it('integer bounds only where the bounds are integers', () => {
    const text = `blocked_replies:
  default: { ja: a, zh: b, en: c }
actions:
  - { name: stop, api_id: 1003, kind: stop, replies: { ja: a, zh: b, en: c } }
  - { name: level, api_id: 1015, params: { data: { type: integer, min: -1, max: 1 } }, replies: { ja: a, zh: b, en: c } }
  - { name: odd, api_id: 1016, params: { data: { type: integer, min: 0.5, max: 2 } }, replies: { ja: a, zh: b, en: c } }
`;
    const s = JSON.stringify(buildOutputSchema(parseCatalogue(text), { actions: true, maxActions: 1 }));
    expect(s).to.include('{"type":"integer","minimum":-1,"maximum":1}');
    expect(s).to.include('{"type":"integer","description":"0.5..2; out of range is refused"}');
  });

  it('the simulator conforms as the real grammar: no foreign keys, required first, number bounds not enforced', () => {
    const out = conformToSchema({ r: 'ok', a: [{ distance_m: 99, n: 'forward', volume: 3 }, { n: 'sit', distance_m: 2 }, 'moonwalk'] }, schema, '') as Record<string, unknown>;
    expect(JSON.stringify(out)).to.equal('{"a":[{"n":"forward","distance_m":99},{"n":"sit"}],"r":"ok"}');
    expect(validatesAgainst(out, schema)).to.equal(true);
    // Extra keys are refused without additionalProperties: false (absent means forbidden to the grammar).
    const loose = { type: 'object', properties: { x: { type: 'string' } } };
    expect(validatesAgainst({ x: 'a', y: 1 }, loose)).to.equal(false);
    expect(conformToSchema({ x: 'a', y: 1 }, loose, '')).to.deep.equal({ x: 'a' });
    expect(conformToSchema({ x: 'a', y: 1 }, { ...loose, additionalProperties: true }, '')).to.deep.equal({ x: 'a', y: 1 });
    // Integer bounds hold: an integer out of range is pulled in, a number out of range is not.
    expect(conformToSchema(7, { type: 'integer', minimum: -1, maximum: 1 }, '')).to.equal(1);
    expect(conformToSchema(7, { type: 'number', minimum: -1, maximum: 1 }, '')).to.equal(7);
  });
});
