import { expect } from 'chai';
import { configWith } from '../../src/config';
import type { Config } from '../../src/config/types';
import { analyse } from '../../src/lang';
import { createGrammarReflex } from '../../src/reflex/grammar-reflex';
import { loadCatalogue } from '../../src/robot/catalogue';

/**
 * The shipped L1 grammar and the three checks the command-form tests share: what an utterance
 * decides (an action, with its parameters when it has any), that each case decides its action,
 * and that each line defers.
 */
export function grammarCases(config: Config = configWith()) {
  const grammar = createGrammarReflex({ catalogue: loadCatalogue(config.robot.actions_file), config });
  const act = (t: string, hint = '') => grammar.match(analyse(t, hint))?.actions.map((a) => (a.params ? `${a.name}${JSON.stringify(a.params)}` : a.name));
  const check = (cases: Array<[string, string]>, hint = '') => {
    for (const [t, a] of cases) expect(act(t, hint), t).to.deep.equal([a]);
  };
  const defers = (lines: string[], hint = '') => {
    for (const t of lines) expect(act(t, hint), t).to.equal(undefined);
  };
  return { config, grammar, act, check, defers };
}
