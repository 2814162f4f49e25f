import { expect } from 'chai';
import { extractQuantities } from '../../../src/cache/semantic/quantities';

describe('cache/semantic quantities', () => {
  it('reads English number words and units as values', () => {
    expect(extractQuantities('walk two meters', 'en')).to.deep.equal(['2', 'unit:m']);
    expect(extractQuantities('jump twice', 'en')).to.deep.equal(['2', 'unit:times']);
  });

  it('a word that names an Object.prototype property (constructor, toString, __proto__) is no number', () => {
    for (const w of ['constructor', 'tostring', 'valueof', 'hasownproperty', '__proto__', 'isprototypeof']) {
      expect(extractQuantities(`sit ${w}`, 'en'), w).to.deep.equal([]);
      expect(extractQuantities(`walk ${w} two meters`, 'en'), w).to.deep.equal(['2', 'unit:m']);
    }
  });
});
