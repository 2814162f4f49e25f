import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { configReference, renderReadme } from '../../scripts/config-reference';
import { DEFAULT_CONFIG } from '../../src/config/defaults';

const ROOT = path.join(__dirname, '..', '..');

describe('README configuration reference', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

  it('is generated from config/params.yaml and up to date (npm run docs:config)', () => {
    const reference = configReference(readFileSync(path.join(ROOT, 'config', 'params.yaml'), 'utf8'));
    expect(renderReadme(readme, reference)).to.equal(readme);
  });

  it('documents every parameter, each with an explanation', () => {
    for (const [section, values] of Object.entries(DEFAULT_CONFIG)) {
      for (const key of Object.keys(values as object)) {
        const row = readme.split('\n').find((l) => l.startsWith(`| \`${section}.${key}\` |`));
        expect(row, `${section}.${key}`).to.be.a('string');
        expect(row!.split('|')[3]!.trim(), `${section}.${key} has a meaning`).to.not.equal('');
      }
    }
  });
});
