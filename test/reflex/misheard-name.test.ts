import { expect } from 'chai';
import { configWith } from '../../src/config';
import { analyse } from '../../src/lang';
import { createNameMatcher } from '../../src/lang/fuzzy-name';
import { createGrammarReflex } from '../../src/reflex/grammar-reflex';
import { loadCatalogue } from '../../src/robot/catalogue';

/** The robot's name misheard beyond the listed spellings (issue 14): a fuzzy match on the first/last word. */
describe('lang: the robot name misheard by one or two letters, kana or characters', () => {
  const config = configWith();
  const grammar = createGrammarReflex({ catalogue: loadCatalogue(config.robot.actions_file), config });
  const act = (t: string) => grammar.match(analyse(t))?.actions.map((a) => a.name);

  it('a misheard name in front of or after a command is the wake word, in en, ja and zh', () => {
    const cases: Array<[string, string]> = [
      ['hey klowdya sit down', 'sit'], ['claudiaa, lie down', 'lie_down'], ['sit down klaudya', 'sit'], ['clowdia stand up', 'stand_up'],
      ['クラウデイア、お座り', 'sit'], ['クロウディア伏せて', 'lie_down'], ['お座りクラウディアー', 'sit'],
      ['可劳迪娅坐下', 'sit'], ['克劳迪雅 趴下', 'lie_down'], ['坐下克劳蒂娅', 'sit'],
    ];
    for (const [t, a] of cases) expect(act(t), t).to.deep.equal([a]);
  });

  it('words that only look a little like the name are not taken for it', () => {
    for (const t of ['gloria sit', 'cloudy today', 'カメラ見て', 'stand up']) {
      const a = analyse(t);
      expect(a.wake, t).to.equal(undefined);
    }
  });

  it('the allowed difference is at its edge: one edit for a short name, two for a long one, never three', () => {
    const m = createNameMatcher(['claudia', 'クラウディア', '克劳迪娅']);
    // claudia folds to "klodia" (6): two edits pass, three do not.
    expect(m.head('klodia sit')).to.equal(6);
    expect(m.head('kledza sit'), 'two edits').to.equal(6);
    expect(m.head('kxyzia sit'), 'three edits').to.equal(0);
    // Chinese: one character may differ, not two.
    expect(m.head('克劳迪亚坐下')).to.equal(4);
    expect(m.head('克老弟亚坐下')).to.equal(0);
    // A name alone is a call, not a wake word in front of a command.
    expect(m.head('klowdya')).to.equal(0);
  });
});
