import { expect } from 'chai';
import { analyse } from '../../src/lang/detect-language';
import { stripTrailingWakeWord, stripWakeWord } from '../../src/lang/disfluency';
import { createNameMatcher, foldLatin } from '../../src/lang/fuzzy-name';

/**
 * The wake word front end skips work on cheap tests: listed wake words are compared only when
 * they share the text's first (last) character, a trailing one on the folded tail only, a Han
 * name only when the text starts (ends) with a Han character, a Latin name only when the word
 * starts with a letter that can fold to a name's first sound. Each test sits at an edge.
 */
describe('lang: wake words and misheard names, work skipped on a cheap test', () => {
  it("a word's first sound depends on its first two letters only (what the Latin name check relies on)", () => {
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const tails = ['', 'a', 'h', 'u', 'w', 'y', 'audia', 'phone', 'cky', 'oaw'];
    const wrong: string[] = [];
    for (const a of letters) for (const b of letters) for (const c of letters) for (const t of tails) {
      const w = a + b + c + t;
      if (foldLatin(w).charAt(0) !== foldLatin(a + b).charAt(0)) wrong.push(w);
    }
    expect(wrong).to.deep.equal([]);
  });

  it('a Latin name is found behind a first letter that folds to its first sound only with the next one (aw = o, ph = f)', () => {
    expect(createNameMatcher(['olivia']).head('awlivia sit')).to.equal(7);
    expect(createNameMatcher(['felix']).head('phelix sit')).to.equal(6);
    expect(createNameMatcher(['claudia']).head('qlaudia sit')).to.equal(7);
    expect(createNameMatcher(['claudia']).head('please sit')).to.equal(0);
  });

  it('a Han name is found at the start and at the end, also when it ends with a character outside the BMP', () => {
    const m = createNameMatcher(['克劳迪娅']);
    expect(m.head('克劳迪哑坐下')).to.equal(4);
    expect(m.tail('坐下克劳迪哑')).to.equal(4);
    expect(m.head('坐下克劳迪哑')).to.equal(0);
    expect(m.tail('座ってね')).to.equal(0);
    expect(createNameMatcher(['克劳迪𠀀']).tail('坐下克劳迪𠀀')).to.equal(5);
  });

  it('listed wake words: the longest trailing one, a katakana one, and a list holding an empty word', () => {
    expect(stripTrailingWakeWord('座ってクラウディアちゃん')).to.deep.equal({ wake: 'クラウディアちゃん', rest: '座って' });
    expect(stripTrailingWakeWord('sit down claudia')).to.deep.equal({ wake: 'claudia', rest: 'sit down' });
    expect(stripTrailingWakeWord('sit down okay claudia')).to.deep.equal({ wake: 'okay claudia', rest: 'sit down' });
    expect(stripWakeWord('クラウディア座って')).to.deep.equal({ wake: 'クラウディア', rest: '座って' });
    expect(stripWakeWord('  sit', ['hey', ''])).to.deep.equal({ wake: '', rest: 'sit' });
    expect(stripTrailingWakeWord('sit', [''])).to.deep.equal({ wake: '', rest: 'sit' });
  });

  it('the front end strips again what the wake word uncovered, though the text changed between the passes', () => {
    expect(analyse('えーと、クラウディア、えーと、座って')).to.include({ normalised: '座って', wake: 'クラウディア' });
    expect(analyse('um hey claudia uh sit down')).to.include({ normalised: 'sit down', wake: 'hey claudia' });
    expect(analyse('座って')).to.include({ normalised: '座って' });
  });
});
