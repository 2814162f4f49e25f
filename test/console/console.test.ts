import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { openConsole, type NodeConsole } from '../../src/console/console';
import { fitRow } from '../../src/console/screen';
import { startHarness, waitFor, type Harness } from '../helpers/app-harness';

/** The console on plain streams (no terminal) in front of the real pipeline; the LLM is the Ollama SIMULATOR. */
describe('console (streams, no terminal)', function () {
  this.timeout(30_000);
  let h: Harness;
  let input: PassThrough;
  let out: string;
  let con: NodeConsole;
  let quits: string[];

  before(async () => {
    h = await startHarness({
      script: [{ match: 'say something odd', content: { a: [], r: 'odd \u001b]0;pwned\u0007 reply \u001b[2J' } }],
      config: { robot: { initial_posture: 'standing' } },
    });
  });
  after(() => h?.close());

  beforeEach(() => {
    input = new PassThrough();
    const output = new PassThrough();
    out = '';
    output.on('data', (d: Buffer) => (out += d.toString()));
    quits = [];
    con = openConsole({ pipeline: h.app.pipeline, input, output, terminal: false, onQuit: (why) => quits.push(why) });
  });
  afterEach(() => con.close());

  const type = (line: string) => input.write(`${line}\n`);

  it('answers a typed utterance with the reply, source, every verdict, first effect and total latency', async () => {
    const before = h.go2.apiIds().length;
    type('座って');
    await waitFor(() => /\[1\] reflex · sit ok · first effect [\d.]+ ms · total [\d.]+ (ms|s)/.test(out), 'the summary line');
    expect(out).to.match(/\[1\] 「座ります。?」/);
    expect(h.go2.apiIds().slice(before)).to.deep.equal([1009]);
  });

  it('shows the LLM path: the verdicts when decided, then the reply (simulator)', async () => {
    type('今日はどんな一日だった？');
    await waitFor(() => /\[1\] llm · no action · first effect/.test(out), 'the LLM answer', 10_000);
    expect(out).to.match(/\[1\] 「.+」/);
  });

  it('never lets a reply drive the terminal: control characters are shown escaped', async () => {
    type('say something odd');
    await waitFor(() => /\[1\] llm/.test(out), 'the answer', 10_000);
    expect(out).to.not.include('\u001b');
    expect(out).to.not.include('\u0007');
    expect(out).to.include('\\x1B]0;pwned\\x07');
  });

  it(':stop publishes StopMove at once; :help lists the commands; unknown commands say so', async () => {
    const n = h.go2.apiIds().filter((id) => id === 1003).length;
    type(':stop');
    await waitFor(() => /StopMove published/.test(out), 'the stop line');
    expect(h.go2.apiIds().filter((id) => id === 1003).length).to.equal(n + 1);
    type(':help');
    await waitFor(() => /:quit +shut the node down/.test(out), 'help');
    type(':dance');
    await waitFor(() => /unknown command :dance; :help lists them/.test(out), 'the unknown-command line');
    expect(quits).to.deep.equal([]);
  });

  it('Ctrl-C stops motion first, then asks to quit; :quit and end of input quit', async () => {
    type('前に進んで');
    await waitFor(() => h.go2.apiIds().filter((id) => id === 1008).length >= 2, 'the Move stream');
    const moves = h.go2.apiIds().filter((id) => id === 1008).length;
    const at = h.go2.apiIds().length;
    con.interrupt();
    expect(quits).to.deep.equal(['ctrl-c']);
    await waitFor(() => h.go2.apiIds().slice(at).includes(1003), 'StopMove');
    await new Promise((r) => setTimeout(r, 250));
    const after = h.go2.apiIds().slice(at);
    expect(after.slice(after.indexOf(1003)), 'nothing moves after the stop').to.deep.equal([1003]);
    expect(h.go2.apiIds().filter((id) => id === 1008).length).to.be.at.most(moves + 1);
    type(':quit');
    await waitFor(() => quits.length === 2, ':quit');
    input.end();
    await waitFor(() => quits.length === 3, 'end of input');
    expect(quits).to.deep.equal(['ctrl-c', 'quit', 'eof']);
  });

  it('keeps several utterances apart by number (a stop typed during a long answer is answered at once, and aborts that answer)', async () => {
    type('今日はどんな一日だった？');
    type('止まって');
    await waitFor(() => /\[2\] reflex · stop ok/.test(out), 'the stop answer');
    await waitFor(() => /\[1\] E_ABORTED: the LLM call was aborted by an emergency stop/.test(out), 'the aborted LLM answer', 10_000);
  });
});

describe('console: live lines fit one terminal row', () => {
  it('keeps the head and the newest tail, counting CJK as two columns', () => {
    expect(fitRow('[1] 「short」', 40)).to.equal('[1] 「short」');
    const line = `[1] 「${'あ'.repeat(30)}いうえお`;
    const fit = fitRow(line, 24);
    expect(fit.startsWith('[1] 「あああ')).to.equal(true);
    expect(fit.endsWith('いうえお')).to.equal(true);
    expect(fit).to.include('…');
    expect(fit).to.equal('[1] 「あああ…あいうえお');
  });
});
