import { expect } from 'chai';
import { checkInput } from '../../src/pipeline/input-guard';
import { BadInputError } from '../../src/util/errors';

describe('pipeline input guard', () => {
  const ok = (text: unknown, extra = {}) => checkInput({ text: text as string, origin: 'cli', ...extra }, 2000);

  it('passes Japanese, Chinese and English text unchanged', () => {
    for (const t of ['お座りしてください 🐕', '你好 Go2', 'sit down please']) expect(ok(t).text).to.equal(t);
  });

  it('refuses empty, over-long, control-character and invalid UTF-8 text with a reason', () => {
    expect(() => ok('')).to.throw(BadInputError, /empty/);
    expect(() => ok('   ')).to.throw(BadInputError, /empty/);
    expect(() => ok('あ'.repeat(100_000))).to.throw(BadInputError, /100000 characters; the limit is 2000/);
    expect(() => ok('座って\u0007')).to.throw(BadInputError, /U\+0007/);
    expect(() => ok('座って\uFFFD')).to.throw(BadInputError, /invalid UTF-8/);
    expect(() => ok('a\uD800b')).to.throw(BadInputError, /invalid UTF-8/);
    expect(() => ok(42)).to.throw(BadInputError, /must be a string/);
    expect(() => ok(undefined)).to.throw(BadInputError, /must be a string/);
  });

  it('checks the LlmQuery fields', () => {
    expect(() => ok('hi', { language: 'fr' })).to.throw(BadInputError, /language/);
    expect(() => ok('hi', { promptType: 'poem' })).to.throw(BadInputError, /prompt_type/);
    expect(() => ok('hi', { priority: 9 })).to.throw(BadInputError, /priority/);
    expect(() => ok('hi', { timeoutS: -1 })).to.throw(BadInputError, /timeout_s/);
    const c = ok('hi', { promptType: 'auto', priority: 2, timeoutS: 1.5, confidence: 3 });
    expect(c).to.include({ promptType: '', priority: 2, timeoutMs: 1500, confidence: 1 });
  });
});
