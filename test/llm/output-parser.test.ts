import { expect } from 'chai';
import { createOutputParser } from '../../src/llm/output-parser';
import type { ClaudiaError } from '../../src/util/errors';

/** Feeds text in pieces of `size` characters; returns the index of the piece that yielded the actions. */
function feed(text: string, size: number) {
  const p = createOutputParser();
  let at = -1;
  let actions: unknown;
  for (let i = 0, n = 0; i < text.length; i += size, n++) {
    const got = p.push(text.slice(i, i + size));
    if (got) {
      expect(at, 'actions are yielded once').to.equal(-1);
      at = i + size;
      actions = got;
    }
  }
  return { p, at, actions };
}

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return (e as ClaudiaError).code;
  }
};

describe('llm/output-parser: incremental JSON parsing of the streamed output', () => {
  const text = '{"a":["stand_up",{"n":"forward","distance_m":1.5}],"r":"前に進みます。ゆっくり行きますね。"}';

  it('yields the actions as soon as the "a" field closes, before the reply, whatever the chunking', () => {
    const aEnd = text.indexOf('],"r"') + 1;
    for (const size of [1, 2, 3, 7, 16, text.length]) {
      const { p, at, actions } = feed(text, size);
      expect(actions).to.deep.equal([{ name: 'stand_up' }, { name: 'forward', params: { distance_m: 1.5 } }]);
      expect(at, `chunk size ${size}`).to.be.at.least(aEnd);
      expect(at - size, `chunk size ${size}`).to.be.lessThan(aEnd);
      expect(p.finish()).to.deep.equal({ actions: actions, reply: '前に進みます。ゆっくり行きますね。' });
    }
  });

  it('is not fooled by brackets, quotes and keys named "a" inside strings or nested objects', () => {
    const tricky = '{"x":{"a":["no"]},"note":"] } \\" \\"a\\":[","a":[{"n":"sit","a":1}],"r":"ok [a]"}';
    const { p, actions } = feed(tricky, 1);
    expect(actions).to.deep.equal([{ name: 'sit', params: { a: 1 } }]);
    expect(p.finish().reply).to.equal('ok [a]');
  });

  it('passes unknown action names through (the safety compiler blocks them) and drops "chat"', () => {
    const { p } = feed('{"a":["moonwalk",{"n":"api_1018"},"chat"],"r":"はい"}', 5);
    expect(p.finish().actions).to.deep.equal([{ name: 'moonwalk' }, { name: 'api_1018' }]);
  });

  it('accepts the reply-only shape of the emergency template, and "a" after "r"', () => {
    expect(feed('{"r":"止まりました。"}', 3).p.finish()).to.deep.equal({ actions: [], reply: '止まりました。' });
    const late = feed('{"r":"x","a":["sit"]}', 4);
    expect(late.actions).to.deep.equal([{ name: 'sit' }]);
  });

  it('fails early with E_LLM_BAD_OUTPUT on prose instead of JSON', () => {
    const p = createOutputParser();
    expect(codeOf(() => p.push('Sure! Here'))).to.equal('E_LLM_BAD_OUTPUT');
  });

  it('cut-off output fails at finish(), but the completed action list stays available', () => {
    const { p, actions } = feed('{"a":["sit"],"r":"座りま', 4);
    expect(actions).to.deep.equal([{ name: 'sit' }]);
    expect(codeOf(() => p.finish())).to.equal('E_LLM_BAD_OUTPUT');
    expect(p.actions()).to.deep.equal([{ name: 'sit' }]);
  });

  it('rejects wrong shapes: no reply, actions not a list, nameless action, trailing text, empty', () => {
    for (const bad of ['{"a":["sit"]}', '{"a":"sit","r":"x"}', '{"a":[{"distance_m":1}],"r":"x"}', '{"a":[],"r":"x"} extra', '', '[1,2]']) {
      const p = createOutputParser();
      expect(codeOf(() => (p.push(bad), p.finish())), bad).to.equal('E_LLM_BAD_OUTPUT');
    }
  });

  it('keeps numeric and boolean parameters (numeric strings become numbers), drops others', () => {
    const { p } = feed('{"a":[{"n":"forward","distance_m":"2","speed":0.3,"fast":true,"style":"fancy","obj":{"x":1}},{"name":"pose","params":{"data":false}}],"r":"ok"}', 9);
    expect(p.finish().actions).to.deep.equal([
      { name: 'forward', params: { distance_m: 2, speed: 0.3, fast: true } },
      { name: 'pose', params: { data: false } },
    ]);
  });
});

describe('llm: output parser, the reply as it streams (replySoFar)', () => {
  it('grows with every piece, never shows half an escape, and ends as the finished reply', () => {
    const text = '{"a":["sit"],"r":"座ります \\"はい\\" \\u00e9t\\u00e9\\n"}';
    for (const size of [1, 2, 3, 7]) {
      const p = createOutputParser();
      const seen: string[] = [];
      for (let i = 0; i < text.length; i += size) {
        p.push(text.slice(i, i + size));
        seen.push(p.replySoFar());
      }
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.startsWith(seen[i - 1]!), `size ${size}: '${seen[i - 1]}' -> '${seen[i]}'`).to.equal(true);
      expect(seen.at(-1)).to.equal('座ります "はい" été\n');
      expect(p.finish().reply).to.equal('座ります "はい" été');
    }
  });

  it('is empty before the reply starts and ignores other string fields', () => {
    const p = createOutputParser();
    p.push('{"a":["hello"],"x":"not the reply",');
    expect(p.replySoFar()).to.equal('');
    p.push('"r":"Hi');
    expect(p.replySoFar()).to.equal('Hi');
  });
});
