import { expect } from 'chai';
import { toGbnfJsonSchema } from '../../../src/llm/embedded/gbnf-schema';

describe('output schema -> node-llama-cpp grammar dialect', () => {
  it('anyOf becomes oneOf, an enum or const loses its type, numeric bounds are dropped', () => {
    const out = toGbnfJsonSchema({
      type: 'object',
      properties: { a: { type: 'array', maxItems: 3, items: { anyOf: [{ type: 'string', enum: ['sit'] }, { type: 'object', properties: { n: { const: 'move' }, d: { type: 'number', minimum: -1, maximum: 3, description: 'm' } }, required: ['n'], additionalProperties: false }] } }, r: { type: 'string' } },
      required: ['a', 'r'],
    });
    expect(out).to.deep.equal({
      type: 'object',
      properties: { a: { type: 'array', maxItems: 3, items: { oneOf: [{ enum: ['sit'] }, { type: 'object', properties: { n: { const: 'move' }, d: { type: 'number', description: 'm' } }, required: ['n'], additionalProperties: false }] } }, r: { type: 'string' } },
      required: ['a', 'r'],
    });
  });

  it('a keyword the grammar builder would ignore is an error naming where it is', () => {
    expect(() => toGbnfJsonSchema({ type: 'object', properties: { r: { type: 'string', pattern: '^a' } } })).to.throw(/#\/properties\/r\/pattern.*does not support 'pattern'/);
    expect(() => toGbnfJsonSchema({ allOf: [{ type: 'string' }] })).to.throw(/does not support 'allOf'/);
    expect(() => toGbnfJsonSchema({ anyOf: [] })).to.throw(/non-empty list/);
    expect(() => toGbnfJsonSchema({ anyOf: [{ type: 'string' }], oneOf: [{ type: 'number' }] })).to.throw(/both anyOf and oneOf/);
    expect(() => toGbnfJsonSchema({ items: 5 })).to.throw(/#\/items is not a schema object/);
  });

  it('leaves the input untouched', () => {
    const s = { anyOf: [{ type: 'string', enum: ['a'] }] };
    toGbnfJsonSchema(s);
    expect(s).to.deep.equal({ anyOf: [{ type: 'string', enum: ['a'] }] });
  });
});
