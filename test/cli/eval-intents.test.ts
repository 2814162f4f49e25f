import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { scoreOutcome } from '../../src/cli/eval-intents';
import { main } from '../../src/cli/main';
import { dataPath } from '../helpers/repo-data';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) }, out, err };
}

describe('cli: eval intents', () => {
  it('scores the dev set with L0 + L1 only; the last line is the JSON summary', async () => {
    const c = capture();
    const code = await main(['eval', 'intents', dataPath('intents.dev.jsonl'), '--json'], c.io);
    expect(code).to.equal(0);
    const summary = JSON.parse(c.out.at(-1) as string);
    expect(summary).to.include.keys('total', 'reflex_tier', 'reflex_correct', 'reflex_recall', 'deferred', 'wrong_actions');
    expect(summary.total).to.equal(55);
    expect(summary.wrong_actions).to.equal(0);
    expect(summary.reflex_recall).to.be.at.least(0.95);
    expect(summary.reflex_recall).to.equal(summary.reflex_correct / summary.reflex_tier);
    // One line per utterance before the summary lines.
    expect(c.out.length).to.equal(55 + 2);
    expect(c.out.some((l) => l.includes('"止まって！" -> stop') && l.includes('L0'))).to.equal(true);
  });

  it('counts wrong actions and deferrals', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'claudia-eval-'));
    const file = path.join(dir, 'x.jsonl');
    writeFileSync(
      file,
      [
        '{"text":"座って","lang":"ja","expect":"stand_up","tier":"reflex"}', // wrong: the reflex sits
        '{"text":"元気？","lang":"ja","expect":"chat","tier":"llm"}', // deferral, correct
        '{"text":"stop","lang":"en","expect":"stop","tier":"reflex"}', // L0 counts as ["stop"]
        '# comment lines are skipped',
        '{"text":"ダンス","lang":"ja","expect":"dance2","tier":"reflex","accept":["dance1"]}', // accepted
      ].join('\n'),
    );
    const c = capture();
    expect(await main(['eval', 'intents', file, '--json'], c.io)).to.equal(0);
    expect(JSON.parse(c.out.at(-1) as string)).to.include({ total: 4, reflex_tier: 3, reflex_correct: 2, deferred: 1, wrong_actions: 1 });
    expect(c.out[0]).to.match(/^WRONG/);
  });

  it('stop_recall and by_kind inside the one JSON object (the last line); unknown fields are ignored', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'claudia-eval-'));
    const file = path.join(dir, 'k.jsonl');
    writeFileSync(
      file,
      [
        '{"text":"止まって！","expect":"stop","tier":"reflex","kind":"stop_shout","why":"plain","author":"x"}',
        '{"text":"ダメダメ","expect":"stop","tier":"reflex","kind":"repeated_negation"}',
        // A stop the L1 grammar would also find, but L0 did not: "stay" is an L1 phrase, so stop_recall is 2/3.
        '{"text":"stay","expect":"stop","tier":"reflex","kind":"stop_shout"}',
        '{"text":"can you do a backflip","expect":"chat","tier":"llm","reject":["back_flip"],"kind":"ability_question"}',
        '{"text":"a non-stop flight to Osaka","expect":"chat","tier":"llm","kind":"innocent_stop_word"}',
      ].join('\n'),
    );
    const c = capture();
    expect(await main(['eval', 'intents', file, '--json'], c.io)).to.equal(0);
    const s = JSON.parse(c.out.at(-1) as string);
    expect(s).to.include({ total: 5, stop_lines: 3, wrong_actions: 0 });
    expect(s.stop_recall).to.equal(Math.round((2 / 3) * 10000) / 10000);
    expect(s.by_kind).to.deep.equal({
      stop_shout: { total: 2, correct: 2, wrong_actions: 0, deferred: 0 },
      repeated_negation: { total: 1, correct: 1, wrong_actions: 0, deferred: 0 },
      ability_question: { total: 1, correct: 1, wrong_actions: 0, deferred: 1 },
      innocent_stop_word: { total: 1, correct: 1, wrong_actions: 0, deferred: 1 },
    });
    // A file without stop lines missed no stop; without kinds by_kind is empty.
    writeFileSync(file, '{"text":"座って","expect":"sit","tier":"reflex"}\n');
    const c2 = capture();
    expect(await main(['eval', 'intents', file, '--json'], c2.io)).to.equal(0);
    expect(JSON.parse(c2.out.at(-1) as string)).to.deep.include({ stop_lines: 0, stop_recall: 1, by_kind: {} });
  });

  it('the realistic sets hold: wrong actions 0, stop recall 1.0, reflex recall >= 0.9 (>= 0.98 on the colloquial set), the sets written here also without the language hint', async () => {
    const sets: Array<[string, number, string[][]]> = [
      ['intents.dev.jsonl', 0.9, [[], ['--no-lang-hint']]],
      ['intents.realistic.jsonl', 0.9, [[], ['--no-lang-hint']]],
      ['intents.blind2.jsonl', 0.9, [[]]],
      ['intents.colloquial.jsonl', 0.98, [[], ['--no-lang-hint']]],
    ];
    for (const [f, recall, runs] of sets) {
      for (const flags of runs) {
        const c = capture();
        expect(await main(['eval', 'intents', dataPath(f), '--json', ...flags], c.io)).to.equal(0);
        const s = JSON.parse(c.out.at(-1) as string);
        const what = `${f} ${flags.join(' ')}`;
        expect(s.wrong_actions, what).to.equal(0);
        expect(s.stop_recall, what).to.equal(1);
        expect(s.reflex_recall, what).to.be.at.least(recall);
      }
    }
  });

  for (const [half, minRecall] of [['dev', 0.99], ['holdout', 0.87]] as const) {
    it(`the third blind set, ${half} half (data/intents.blind3.${half}.jsonl): stop recall 1.0, reflex recall >= ${minRecall}, no wrong action`, async () => {
      const c = capture();
      expect(await main(['eval', 'intents', dataPath(`intents.blind3.${half}.jsonl`), '--json'], c.io)).to.equal(0);
      const s = JSON.parse(c.out.at(-1) as string);
      expect(s.total).to.equal(160);
      expect(s.stop_recall).to.equal(1);
      expect(s.reflex_recall).to.be.at.least(minRecall);
      expect(s.wrong_actions).to.equal(0);
    });
  }

  it('scoreOutcome follows the data README', () => {
    const line = { text: 'x', expect: 'chat' as const, reject: ['front_jump'] };
    expect(scoreOutcome(line, null)).to.deep.equal({ correct: true, wrong: false });
    expect(scoreOutcome(line, [])).to.deep.equal({ correct: true, wrong: false });
    expect(scoreOutcome(line, ['front_jump'])).to.deep.equal({ correct: false, wrong: true });
    expect(scoreOutcome({ text: 'x', expect: 'sit' }, null)).to.deep.equal({ correct: false, wrong: false });
    expect(scoreOutcome({ text: 'x', expect: ['sit', 'hello'] }, ['sit', 'hello'])).to.deep.equal({ correct: true, wrong: false });
    expect(scoreOutcome({ text: 'x', expect: ['sit', 'hello'] }, ['sit'])).to.deep.equal({ correct: false, wrong: true });
    expect(scoreOutcome({ text: 'x', expect: 'heart', accept: ['chat'] }, null)).to.deep.equal({ correct: true, wrong: false });
    expect(scoreOutcome({ text: 'x', expect: 'dance1', accept: ['dance2'], reject: ['dance2'] }, ['dance2']).wrong).to.equal(true);
  });

  it('bad input: a clear error and exit code 2, no crash', async () => {
    const c = capture();
    expect(await main(['eval', 'intents', '/nonexistent/file.jsonl'], c.io)).to.equal(2);
    expect(c.err[0]).to.match(/^claudia-llm eval intents: E_BAD_INPUT: cannot read/);
    const dir = mkdtempSync(path.join(tmpdir(), 'claudia-eval-'));
    const file = path.join(dir, 'bad.jsonl');
    writeFileSync(file, '{"text":"座って","expect":"sit"}\n{not json}\n');
    const c2 = capture();
    expect(await main(['eval', 'intents', file], c2.io)).to.equal(2);
    expect(c2.err[0]).to.match(/bad\.jsonl:2: not valid JSON/);
    const c3 = capture();
    expect(await main(['eval', 'intents'], c3.io)).to.equal(2);
    expect(c3.err[0]).to.match(/missing required argument 'file'/);
    const c4 = capture();
    expect(await main(['eval', 'intents', 'a', '--bogus'], c4.io)).to.equal(2);
  });
});
