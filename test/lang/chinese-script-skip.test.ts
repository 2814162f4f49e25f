import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import * as t2cn from 'opencc-js/t2cn';
import { mayConvert, toSimplified } from '../../src/lang/chinese-script';

/**
 * toSimplified skips opencc-js on text holding none of its dictionaries' witnesses: the answer
 * must be the converter's own, whatever the text.
 */
describe('lang: traditional to simplified skips the converter only where it would change nothing', function () {
  this.timeout(60_000);
  const converter = t2cn.Converter({ from: 'tw', to: 'cn' });
  const sources = (() => {
    const out: string[] = [];
    const { from, to, configs } = t2cn.Locale;
    const groups = [...(from.tw ?? []), ...(to.cn ?? []), ...(configs?.tw2s?.conversionChain ?? [])];
    for (const group of groups) for (const dict of group) for (const [s] of typeof dict === 'string' ? dict.split('|').map((l) => l.split(' ')) : dict) if (s) out.push(s);
    return out;
  })();
  const lines = ['data/intents.dev.jsonl', 'data/intents.realistic.jsonl', 'data/intents.colloquial.jsonl', 'test/reflex/heldout-intents.jsonl'].flatMap((f) =>
    readFileSync(path.join(__dirname, '..', '..', f), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { text: string }).text),
  );

  it('every BMP character alone: skipped ones come back unchanged from the converter', () => {
    let skipped = 0;
    for (let c = 0; c < 0x10000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const ch = String.fromCharCode(c);
      if (mayConvert(ch)) continue;
      skipped++;
      expect(converter(ch), `U+${c.toString(16)}`).to.equal(ch);
    }
    expect(skipped).to.be.greaterThan(50_000);
  });

  it('every dictionary source, alone and inside simplified text, converts as opencc-js converts it', () => {
    for (const s of sources) {
      for (const t of [s, `我们${s}`, `${s}好不好`, `请${s}一下`]) expect(toSimplified(t), t).to.equal(converter(t));
    }
    expect(sources.length).to.be.greaterThan(10_000);
  });

  it('the intents data and random mixes of dictionary and plain characters: the same answer as the converter (fast-check)', () => {
    let skipped = 0;
    for (const t of lines) {
      if (!mayConvert(t)) skipped++;
      expect(toSimplified(t), t).to.equal(converter(t));
    }
    expect(skipped).to.be.greaterThan(100);
    const chars = [...new Set(sources.slice(0, 4000).join('') + '我们明天下午三点在公园门口见面然后一起去吃饭好不好向前走两米后退一米请坐下 ,.!？😀𠀀𫫇')];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...chars), { maxLength: 12 }), (cs) => {
        const t = cs.join('');
        expect(toSimplified(t), t).to.equal(converter(t));
      }),
      { seed: 1_204, numRuns: 3000 },
    );
  });

  it('one witness at the very start or the very end is seen; simplified text without one is skipped', () => {
    expect(mayConvert('我们明天下午三点在公园门口见面，然后一起去散步好不好')).to.equal(false);
    // 吃 is a witness: the Taiwan variants write 喫 (and the next step writes 吃 again).
    expect(mayConvert('吃饭')).to.equal(true);
    expect(mayConvert('們我们明天')).to.equal(true);
    expect(mayConvert('我们明天們')).to.equal(true);
    expect(toSimplified('我们明天們')).to.equal('我们明天们');
    expect(toSimplified('請坐下')).to.equal('请坐下');
    expect(mayConvert('')).to.equal(false);
  });
});
