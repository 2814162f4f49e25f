import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { configWith } from '../../src/config';
import { analyse } from '../../src/lang';
import { loadPhrasebook, shippedPhrasesDir } from '../../src/lang/phrasebook';
import { createGrammarReflex } from '../../src/reflex/grammar-reflex';
import { loadCatalogue } from '../../src/robot/catalogue';
import { ConfigError } from '../../src/util/errors';
import { startHarness, waitFor, type Harness } from '../helpers/app-harness';
import { REPO_DIR } from '../helpers/repo-data';

/** The YAML block that follows `<!-- example: <name> -->` in docs/robot.md. */
function example(name: string): string {
  const doc = fs.readFileSync(path.join(REPO_DIR, 'docs', 'robot.md'), 'utf8');
  const m = new RegExp(`<!-- example: ${name.replace('.', '\\.')} -->\\n\`\`\`yaml\\n([\\s\\S]*?)\`\`\``).exec(doc);
  if (!m?.[1]) throw new Error(`docs/robot.md has no example block for ${name}`);
  return m[1];
}

/** The shipped config/ copied to a temporary folder with the guide's three edits applied. */
function configWithGuide(opts: { phrases?: boolean; action?: boolean } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claudia-guide-'));
  const actions = fs.readFileSync(path.join(REPO_DIR, 'config', 'actions.yaml'), 'utf8');
  // The catalogue entry goes at the end of the `actions:` list.
  fs.writeFileSync(path.join(dir, 'actions.yaml'), opts.action === false ? actions : `${actions.trimEnd()}\n${example('actions.yaml')}`);
  fs.mkdirSync(path.join(dir, 'phrases'));
  for (const l of ['en', 'ja', 'zh']) {
    const text = fs.readFileSync(path.join(shippedPhrasesDir(), `${l}.yaml`), 'utf8');
    // The phrases go under `actions:`, the last section of each file.
    fs.writeFileSync(path.join(dir, 'phrases', `${l}.yaml`), opts.phrases === false ? text : `${text.trimEnd()}\n${example(`${l}.yaml`)}`);
  }
  return dir;
}

describe('docs/robot.md: how to add a whole action (the guide, as written, works)', function () {
  this.timeout(20000);
  let h: Harness | undefined;
  const dirs: string[] = [];
  afterEach(async () => h?.close());
  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('catalogue entry + phrases: the grammar proposes the action in ja, zh and en with the catalogue reply', () => {
    const dir = configWithGuide();
    dirs.push(dir);
    const catalogue = loadCatalogue(path.join(dir, 'actions.yaml'));
    expect(catalogue.byName('wallow')).to.include({ apiId: 1021, enabled: true });
    const phrases = loadPhrasebook(path.join(dir, 'phrases'), catalogue.actions.keys());
    const grammar = createGrammarReflex({ catalogue, config: configWith(), phrases });
    for (const [text, lang, reply] of [
      ['roll over please', 'en', 'Rolling around.'], ['ごろんして', 'ja', 'ごろごろします。'], ['ごろごろして', 'ja', 'ごろごろします。'], ['请打个滚', 'zh', '打个滚。'],
    ] as const) {
      const d = grammar.match(analyse(text, '', 2000, phrases));
      expect(d?.actions, text).to.deep.equal([{ name: 'wallow' }]);
      expect(d?.reply, text).to.equal(reply);
      expect(d?.language, text).to.equal(lang);
    }
    // Without the phrases the action exists but no reflex phrase reaches it.
    const bare = configWithGuide({ phrases: false });
    dirs.push(bare);
    const noPhrases = createGrammarReflex({ catalogue, config: configWith(), phrases: loadPhrasebook(path.join(bare, 'phrases'), catalogue.actions.keys()) });
    expect(noPhrases.match(analyse('roll over please'))).to.equal(undefined);
  });

  it('phrases before the catalogue entry: E_CONFIG naming the file and line', () => {
    const dir = configWithGuide({ action: false });
    dirs.push(dir);
    const catalogue = loadCatalogue(path.join(dir, 'actions.yaml'));
    expect(() => loadPhrasebook(path.join(dir, 'phrases'), catalogue.actions.keys())).to.throw(ConfigError, /ja\.yaml:\d+: unknown action 'wallow'/);
  });

  it('the whole node: "请打个滚" publishes StandUp then Request 1021 and answers in Chinese', async () => {
    const dir = configWithGuide();
    dirs.push(dir);
    h = await startHarness({ withLlm: false, config: { robot: { actions_file: path.join(dir, 'actions.yaml') }, language: { phrases_dir: path.join(dir, 'phrases') } } });
    h.peer.createPublisher<{ data: string }>('std_msgs/msg/String', '/claudia/speech_text').publish({ data: '请打个滚' });
    await waitFor(() => h!.responses.length === 1, 'the response');
    expect(h.go2.apiIds()).to.deep.equal([1004, 1021]);
    expect(h.responses[0]?.reply).to.equal('打个滚。');
  });
});
