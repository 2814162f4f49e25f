import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { configWith } from '../../src/config';
import { analyse } from '../../src/lang';
import { createGrammarReflex } from '../../src/reflex/grammar-reflex';
import { loadCatalogue } from '../../src/robot/catalogue';
import { hostileText, runs } from '../robustness/helpers';

const config = configWith();
const catalogue = loadCatalogue(config.robot.actions_file);
const grammar = createGrammarReflex({ catalogue, config });

/** Every string of the shipped phrasebooks: the words the grammar is built from, recombined at random. */
function phraseFragments(): string[] {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  for (const lang of ['ja', 'zh', 'en']) walk(parse(readFileSync(path.join(__dirname, '../../config/phrases', `${lang}.yaml`), 'utf8')));
  return [...out];
}

describe('reflex/grammar never throws (fast-check, fixed seed)', function () {
  this.timeout(60000);
  const fragments = phraseFragments();
  const word = fc.oneof(
    fc.constantFrom(...fragments),
    fc.constantFrom('constructor', '__proto__', 'toString', '2', '1.5', '-3', '99999999999', '三', '半', 'twenty five', 'meters', '度', '步', '?', '？', '!', '、', 'not', 'ない', '不'),
    hostileText(8),
  );
  const utterance = fc.array(word, { minLength: 1, maxLength: 8 }).chain((ws) => fc.constantFrom(' ', '', '、', ', ').map((sep) => ws.join(sep)));

  it('phrasebook words recombined with numbers, negations, punctuation and hostile text: a decision of catalogue actions or none', () => {
    expect(fragments.length).to.be.greaterThan(300);
    let decided = 0;
    fc.assert(
      fc.property(utterance, fc.constantFrom('', 'ja', 'zh', 'en'), (text, hint) => {
        const d = grammar.match(analyse(text, hint));
        if (!d) return;
        decided++;
        for (const a of d.actions) {
          expect(catalogue.byName(a.name), `${a.name} from ${JSON.stringify(text)}`).to.not.equal(undefined);
          for (const v of Object.values(a.params ?? {})) expect(Number.isFinite(v), `${a.name} ${JSON.stringify(a.params)} from ${JSON.stringify(text)}`).to.equal(true);
        }
      }),
      runs(3000),
    );
    // The property reached the grammar's decisions, not only its refusals.
    expect(decided).to.be.greaterThan(50);
  });
});
