import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { configWith } from '../../src/config';
import { analyse } from '../../src/lang';
import { loadPhrasebook, shippedPhrasebook, shippedPhrasesDir } from '../../src/lang/phrasebook';
import { createEmergencyReflex } from '../../src/reflex/emergency-reflex';
import { createGrammarReflex } from '../../src/reflex/grammar-reflex';
import { loadCatalogue } from '../../src/robot/catalogue';
import { ConfigError } from '../../src/util/errors';

const made: string[] = [];
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claudia-phrases-'));
  made.push(dir);
  return dir;
}

/** A copy of the shipped phrasebook in a temporary folder, with one file's text changed. */
function bookWith(lang: 'ja' | 'zh' | 'en', edit: (text: string) => string): string {
  const dir = tempDir();
  for (const l of ['ja', 'zh', 'en']) {
    const text = fs.readFileSync(path.join(shippedPhrasesDir(), `${l}.yaml`), 'utf8');
    fs.writeFileSync(path.join(dir, `${l}.yaml`), l === lang ? edit(text) : text);
  }
  return dir;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

/** The 1-based line of the first line of `text` that contains `needle`. */
function lineOf(dir: string, lang: string, needle: string): number {
  return fs.readFileSync(path.join(dir, `${lang}.yaml`), 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
}

describe('lang: phrasebook (config/phrases/*.yaml)', () => {
  const catalogue = loadCatalogue(configWith().robot.actions_file);
  const names = () => catalogue.actions.keys();

  it('the shipped phrasebook loads and validates against the catalogue', () => {
    const book = loadPhrasebook(shippedPhrasesDir(), names());
    for (const l of ['ja', 'zh', 'en'] as const) {
      expect(book[l].stop.length, l).to.be.greaterThan(5);
      expect(book[l].wake.length, l).to.be.greaterThan(2);
    }
    expect(configWith().language.phrases_dir).to.equal(shippedPhrasesDir());
  });

  it('a phrase that maps to two actions is E_CONFIG naming the file and line', () => {
    const dir = bookWith('en', (t) => t.replace('  pose: [pose,', '  pose: [sit down, pose,'));
    const e = configError(() => loadPhrasebook(dir, names()));
    expect(e.message).to.include(`${path.join(dir, 'en.yaml')}:${lineOf(dir, 'en', '  pose: [sit down')}`);
    expect(e.message).to.match(/"sit down" maps to two actions: 'sit'.*and 'pose'/);
  });

  it('a stop word inside an action phrase is E_CONFIG (L0 would stop the robot every time)', () => {
    const dir = bookWith('zh', (t) => t.replace('  heart: [比心,', '  heart: [比心停下, 比心,'));
    const e = configError(() => loadPhrasebook(dir, names()));
    expect(e.message).to.include(`zh.yaml:${lineOf(dir, 'zh', '  heart: [比心停下')}`);
    expect(e.message).to.match(/holds the stop word "停下"/);
    // A whole-word Latin stop word: "stop" inside "do a non stop dance".
    const en = bookWith('en', (t) => t.replace('  dance1: [dance,', '  dance1: [dance till you stop, dance,'));
    expect(configError(() => loadPhrasebook(en, names())).message).to.match(/holds the stop word "stop"/);
  });

  it('an action name not in the catalogue is E_CONFIG naming the line', () => {
    const dir = bookWith('ja', (t) => t.replace('  hello: [お手,', '  backflipp: [ばくてん]\n  hello: [お手,'));
    const e = configError(() => loadPhrasebook(dir, names()));
    expect(e.message).to.include(`ja.yaml:${lineOf(dir, 'ja', 'backflipp')}`);
    expect(e.message).to.include("unknown action 'backflipp'");
  });

  it('the shipped stop and danger phrases are a floor: removing one is E_CONFIG, adding one works', () => {
    const removed = bookWith('ja', (t) => t.replace('  - 止まれ\n', ''));
    expect(configError(() => loadPhrasebook(removed, names())).message).to.match(/ja\.yaml: stop lacks the shipped phrase "止まれ"/);
    const noHazard = bookWith('ja', (t) => t.replace('  - 階段\n', ''));
    expect(configError(() => loadPhrasebook(noHazard, names())).message).to.match(/ja\.yaml: hazard lacks the shipped phrase "階段"/);
    const noDanger = bookWith('en', (t) => t.replace('  - help\n', ''));
    expect(configError(() => loadPhrasebook(noDanger, names())).message).to.match(/danger lacks the shipped phrase "help"/);
    const added = bookWith('en', (t) => t.replace('stop:\n  - stop\n', 'stop:\n  - stop\n  - red alert\n'));
    const book = loadPhrasebook(added, names());
    const l0 = createEmergencyReflex({ phrases: book });
    expect(l0.match('red alert everyone')).to.deep.equal({ word: 'red alert', kind: 'stop' });
    expect(createEmergencyReflex().match('red alert everyone')).to.equal(undefined);
  });

  it('stop_innocent may only spare a longer word around a stop word: the stop word itself, or a word holding none, is E_CONFIG with the line', () => {
    const itself = bookWith('ja', (t) => t.replace('stop_innocent:\n', 'stop_innocent:\n  - すとっぷ\n'));
    const e = configError(() => loadPhrasebook(itself, names()));
    expect(e.message).to.include(`ja.yaml:${lineOf(itself, 'ja', '  - すとっぷ')}`);
    expect(e.message).to.match(/"すとっぷ" is itself a stop word/);
    const none = bookWith('ja', (t) => t.replace('stop_innocent:\n', 'stop_innocent:\n  - ウォッチ\n'));
    expect(configError(() => loadPhrasebook(none, names())).message).to.match(/"ウォッチ" holds no stop word/);
    // A longer word around a stop word is accepted, and spares that word only.
    const added = bookWith('ja', (t) => t.replace('stop_innocent:\n', 'stop_innocent:\n  - ストップモーション\n'));
    const l0 = createEmergencyReflex({ phrases: loadPhrasebook(added, names()) });
    expect(l0.match('ストップモーションの映画')).to.equal(undefined);
    expect(l0.match('ストップモーションの映画、ストップ')).to.deep.include({ kind: 'stop' });
    expect(createEmergencyReflex().match('ストップモーションの映画')).to.deep.include({ kind: 'stop' });
  });

  it('unknown sections, a wrong language and phrases that are not text are E_CONFIG with the line', () => {
    const unknown = bookWith('en', (t) => `${t}\nstopp:\n  - halt\n`);
    expect(configError(() => loadPhrasebook(unknown, names())).message).to.match(/en\.yaml:\d+: unknown section 'stopp'/);
    const lang = bookWith('zh', (t) => t.replace('language: zh', 'language: ja'));
    expect(configError(() => loadPhrasebook(lang, names())).message).to.match(/zh\.yaml:\d+: language must be zh/);
    const notText = bookWith('en', (t) => t.replace('  - um\n', '  - 12\n'));
    expect(configError(() => loadPhrasebook(notText, names())).message).to.match(/en\.yaml:\d+: filler: every phrase must be non-empty text/);
    const missing = tempDir();
    expect(configError(() => loadPhrasebook(missing, names())).message).to.match(/cannot read phrasebook .*ja\.yaml.*language\.phrases_dir/);
  });

  it('wake words, fillers and action phrases come from the files: a new wake word and phrase work end to end', () => {
    const dir = bookWith('en', (t) =>
      t.replace('wake:\n  - hey claudia\n', 'wake:\n  - hey claudia\n  - yo rex\n').replace('  sit: [sit,', '  sit: [plant it, sit,'),
    );
    const book = loadPhrasebook(dir, names());
    const config = configWith();
    const grammar = createGrammarReflex({ catalogue, config, phrases: book });
    const a = analyse('Yo Rex, plant it!', '', 2000, book);
    expect(a).to.include({ wake: 'yo rex', normalised: 'plant it' });
    expect(grammar.match(a)?.actions).to.deep.equal([{ name: 'sit' }]);
    // The shipped book knows neither.
    expect(createGrammarReflex({ catalogue, config }).match(analyse('Yo Rex, plant it!'))).to.equal(undefined);
    expect(shippedPhrasebook().en.wake).to.not.include('yo rex');
  });
});
