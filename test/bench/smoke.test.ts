import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ALL_KEYS, KEY_OWNERS, MODULES, foldKeys, formatComparison, loadModule, readPrevious, runModule } from '../../bench/index';

/**
 * Every benchmark file runs for a few iterations (quick mode) so none can rot: it must
 * finish and hand back each key it declares, as a number or as null with a note.
 * Timings are not asserted; they belong to `npm run bench`.
 */
describe('bench smoke (quick mode)', function () {
  this.timeout(120_000);

  for (const m of MODULES) {
    it(`bench/${m}.ts runs and fills its keys`, async function () {
      const loaded = loadModule(m);
      if ('missing' in loaded) {
        // Only a file that is not in the tree may be missing; one that fails to load is a failure.
        expect(loaded.missing, loaded.missing).to.match(/is not in this tree yet/);
        this.skip();
      }
      const lines: string[] = [];
      const r = await runModule(m, { quick: true, only: [], log: (l) => lines.push(l) });
      expect(r.outcomes.length, `bench/${m}.ts exports no benchmarks`).to.be.greaterThan(0);
      for (const o of r.outcomes) {
        expect(o.error, `${o.benchmark} threw: ${o.error}`).to.equal(undefined);
        const res = o.result;
        expect(res, o.benchmark).to.not.equal(undefined);
        if (!res) continue;
        expect(res.rows.length, `${o.benchmark} printed no rows`).to.be.greaterThan(0);
        for (const row of res.rows) expect(row.n, `${o.benchmark} row "${row.what}" states no sample size`).to.be.a('number');
        for (const k of o.keys) {
          expect(ALL_KEYS, `${o.benchmark} declares ${k}, which is not one of issue 9's keys`).to.include(k);
          expect(res.keys, `${o.benchmark} did not return ${k}`).to.have.property(k);
          const v = res.keys[k];
          if (v === null) expect(res.notes?.join(' ') ?? '', `${o.benchmark}: ${k} is null without a note saying why`).to.not.equal('');
          else expect(v, `${o.benchmark}: ${k}`).to.be.a('number').and.satisfy(Number.isFinite);
        }
      }
      // Every key this file owns is declared by one of its benchmarks.
      const declared = new Set(r.outcomes.flatMap((o) => o.keys));
      for (const [k, owner] of KEY_OWNERS) if (owner === m) expect([...declared], `bench/${m}.ts owns ${k} but no benchmark declares it`).to.include(k);
    });
  }
});

describe('bench harness', function () {
  this.timeout(60_000);

  it('folds results into exactly the issue-9 keys, null with a reason for anything missing', () => {
    const missing = new Map([['dds', 'bench/dds.ts is not in this tree yet']]);
    const { values, reasons } = foldKeys(
      [
        { module: 'mix', benchmark: 'mix', keys: ['mix_mean_ms_ours', 'mix_mean_ms_seed'], wallMs: 1, result: { rows: [], keys: { mix_mean_ms_ours: 12.5, mix_mean_ms_seed: null }, notes: ['seed run skipped'] } },
        { module: 'llm', benchmark: 'llm-x', keys: ['prefix_reuse'], wallMs: 1, error: 'boom' },
      ],
      missing,
    );
    expect(Object.keys(values)).to.deep.equal([...ALL_KEYS]);
    expect(values['mix_mean_ms_ours']).to.equal(12.5);
    expect(values['mix_mean_ms_seed']).to.equal(null);
    expect(reasons['mix_mean_ms_seed']).to.contain('seed run skipped');
    expect(reasons['prefix_reuse']).to.contain('boom');
    expect(reasons['dds_reflex_p99_ms']).to.contain('not in this tree');
    for (const k of ALL_KEYS) if (values[k] === null) expect(reasons[k], k).to.be.a('string').and.not.equal('');
  });

  it('`--json` ends with one JSON object holding exactly the keys', () => {
    const root = path.join(__dirname, '..', '..');
    const r = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(root, 'bench', 'index.ts'), '--json', '--quick', '--only', 'no-such-benchmark'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).to.equal(0);
    const lines = r.stdout.trimEnd().split('\n');
    const last = JSON.parse(lines[lines.length - 1] as string) as Record<string, unknown>;
    expect(Object.keys(last)).to.deep.equal([...ALL_KEYS]);
    expect(Object.values(last).every((v) => v === null)).to.equal(true);
    expect(r.stdout).to.match(/null replay_msgs_per_s: \S/);
  });

  it('--compare reads the last JSON line of a saved run and prints each key against it', () => {
    const saved = ['claudia_llm benchmarks', 'mix  ...', '{"mix_mean_ms_ours": 1000, "mix_llm_calls_seed": null}', ''].join('\n');
    const prev = readPrevious(saved);
    expect(prev).to.deep.equal({ mix_mean_ms_ours: 1000, mix_llm_calls_seed: null });
    const out = formatComparison(prev, { mix_mean_ms_ours: 500, mix_llm_calls_seed: 160 });
    expect(out).to.match(/mix_mean_ms_ours\s+1000\s+500.0\s+0.50x/);
    expect(out).to.match(/mix_llm_calls_seed\s+-\s+160.0\s+-/);
    expect(out.split('\n')).to.have.length(ALL_KEYS.length + 1);
    expect(() => readPrevious('no json here')).to.throw(/no JSON object line/);
  });

  it('rejects an unknown flag with a message saying what to use', () => {
    const root = path.join(__dirname, '..', '..');
    const r = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(root, 'bench', 'index.ts'), '--fast'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain('--quick');
  });
});
