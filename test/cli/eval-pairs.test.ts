import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) }, out, err };
}

describe('cli/eval pairs', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'eval-pairs-'));
  const file = path.join(dir, 'pairs.jsonl');
  writeFileSync(
    file,
    [
      { a: '座ってね', b: '座って', same: true, lang: 'ja', kind: 'politeness' },
      { a: 'dance', b: "don't dance", same: false, lang: 'en', kind: 'negation' },
      { a: '请起立', b: '起立', same: true, lang: 'zh', kind: 'politeness' },
      { a: '伏せて', b: 'lie down', same: false, lang: 'mixed', kind: 'cross_lingual' },
    ]
      .map((p) => JSON.stringify(p))
      .join('\n') + '\n',
  );

  it('prints one line per pair and, with --json, a summary object as the last line', async () => {
    const c = capture();
    expect(await main(['eval', 'pairs', file, '--json'], c.io)).to.equal(0);
    expect(c.out.filter((l) => /^(ok|FALSE|MISS)/.test(l))).to.have.length(4);
    expect(c.out.find((l) => l.includes("don't dance"))).to.match(/guard=negation/);
    const s = JSON.parse(c.out[c.out.length - 1] as string);
    expect(s).to.include({ pairs: 4, same: 2, different: 2, hits_on_same: 2, hit_rate: 1, false_hits: 0, false_hit_rate: 0 });
    expect(s.by_kind.politeness).to.include({ pairs: 2, same: 2, hits_on_same: 2 });
    expect(s.by_kind.negation).to.include({ pairs: 1, different: 1, false_hits: 0 });
  });

  it('honours --no-hint (kanji-only 起立 then only hits identical text)', async () => {
    const c = capture();
    expect(await main(['eval', 'pairs', file, '--json', '--no-hint'], c.io)).to.equal(0);
    const s = JSON.parse(c.out[c.out.length - 1] as string);
    expect(s.hits_on_same).to.equal(1);
  });

  it('explains bad input instead of crashing', async () => {
    const bad = path.join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"a":"x","b":"y","same":true}\n{"a":"x","same":"yes"}\n');
    let c = capture();
    expect(await main(['eval', 'pairs', bad], c.io)).to.equal(2);
    expect(c.err.join('\n')).to.match(/E_BAD_INPUT: .*bad\.jsonl:2: needs string fields "a" and "b" and a boolean "same"/);
    c = capture();
    expect(await main(['eval', 'pairs', path.join(dir, 'missing.jsonl')], c.io)).to.equal(2);
    expect(c.err.join('\n')).to.match(/cannot read/);
    c = capture();
    expect(await main(['eval', 'pairs'], c.io)).to.equal(2);
    expect(c.err.join('\n')).to.match(/missing required argument 'file'/);
    for (const [t, code] of [['1', 0], ['1.01', 2], ['0', 0], ['-0.01', 2], ['abc', 2]] as const) {
      c = capture();
      expect(await main(['eval', 'pairs', file, '--threshold', t], c.io), `--threshold ${t}`).to.equal(code);
      if (code === 2) expect(c.err.join('\n')).to.match(/option '--threshold <x>' argument '.*' is invalid\. It must be a number from 0 to 1/);
    }
  });
});
