import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ALL_KEYS, SAVED_RUN } from '../../bench/index';
import { DOCUMENTS, END, num, readSavedRun, renderPerfBlock, START, withBlock } from '../../scripts/perf-table';

const ROOT = path.resolve(__dirname, '..', '..');

describe('docs: the performance table is generated from one bench run (npm run docs:perf)', () => {
  const run = readSavedRun(SAVED_RUN);
  const block = renderPerfBlock(run);

  for (const doc of DOCUMENTS) {
    it(`${doc} carries exactly the block the script makes from bench/results/latest.json`, () => {
      const text = readFileSync(path.join(ROOT, doc), 'utf8');
      const a = text.indexOf(START);
      const b = text.indexOf(END);
      expect(a, `${doc} has the generated block`).to.be.greaterThan(-1);
      expect(text.slice(a, b + END.length), 'run npm run docs:perf').to.equal(block);
    });
  }

  it('the committed run is a full one: every key, with its conditions', () => {
    expect(Object.keys(run.values)).to.deep.equal([...ALL_KEYS]);
    expect(run.wall_s).to.be.greaterThan(0);
    expect(run.load_start).to.have.length(3);
    expect(run.machine.cpus).to.be.greaterThan(0);
  });

  it('every key appears once in the block, with the value the run holds, labelled measured or simulated', () => {
    for (const k of ALL_KEYS) {
      const rows = block.split('\n').filter((l) => l.startsWith(`| \`${k}\` |`));
      expect(rows, k).to.have.length(1);
      expect(rows[0]).to.equal(`| \`${k}\` | ${num(run.values[k])} | ${run.simulated.includes(k) ? 'simulated' : 'measured'} |`);
    }
  });

  it('a changed value changes the block (the check can fail)', () => {
    const other = renderPerfBlock({ ...run, values: { ...run.values, reflex_p99_ms: 123.456 } });
    expect(other).to.not.equal(block);
    expect(other).to.contain('| `reflex_p99_ms` | 123 | measured |');
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(withBlock(readme, other, 'README.md')).to.not.equal(readme);
    expect(() => withBlock('no markers', block, 'x.md')).to.throw(/no <!-- PERF-TABLE:START/);
  });

  it('numbers: three significant digits, integers whole, n/a for a missing key', () => {
    expect(num(0.038427)).to.equal('0.0384');
    expect(num(2.8444)).to.equal('2.84');
    expect(num(99.96)).to.equal('100');
    expect(num(1643.4)).to.equal('1643');
    expect(num(70)).to.equal('70');
    expect(num(null)).to.equal('n/a');
  });
});
