import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FAST_PROFILE } from '../../src/llm/simulator';
import type { AnswerRecord } from '../../src/pipeline/types';
import { startHarness, waitFor, type Harness } from '../helpers/app-harness';

// Needs the LLM (L1 defers: a greeting asked for in a roundabout way), which answers with Hello.
const TEXT = 'お客さんが来たから、何か気の利いたおもてなしをしてくれるかな';
// Actions stream at once; the long reply then takes ~2 s at 60 tok/s, so early callers leave after the actions ran.
const SLOW_REPLY = { ...FAST_PROFILE, name: 'slow-reply', decodeTokPerS: 60 };
const LONG_REPLY = 'こんにちは、皆さん。ようこそいらっしゃいました。'.repeat(4);

/** One LLM decision, three identical callers: it executes at most once, whoever leaves. */
describe('one LLM decision executes at most once under coalescing (simulator, 3 callers)', function () {
  this.timeout(20000);
  let h: Harness;
  let auditPath: string;
  afterEach(async () => h?.close());

  async function start() {
    auditPath = path.join(mkdtempSync(path.join(tmpdir(), 'claudia-once-')), 'audit.jsonl');
    h = await startHarness({
      simProfile: SLOW_REPLY,
      config: { robot: { initial_posture: 'standing' }, cache: { enabled: false }, audit: { path: auditPath } },
      script: [{ match: TEXT, content: { a: ['hello'], r: LONG_REPLY } }],
    });
  }
  const hellos = () => h.go2.apiIds().filter((id) => id === 1016).length;
  const ask = (timeoutS: number, signal?: AbortSignal) => h.app.pipeline.handle({ text: TEXT, origin: 'service', language: 'ja', timeoutS }, { signal });
  const published = (r: AnswerRecord) => r.publishedApiIds.filter((id) => id === 1016).length;

  async function auditLines(n: number): Promise<Array<Record<string, unknown>>> {
    await waitFor(() => {
      try {
        return readFileSync(auditPath, 'utf8').trim().split('\n').length >= n;
      } catch {
        return false;
      }
    }, `${n} audit lines`);
    return readFileSync(auditPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  it('leaders that time out one after another: Hello is published once, and only the record of the caller that published it says so', async () => {
    await start();
    const answers = await Promise.all([ask(0.4), ask(0.9), ask(10)]);
    await new Promise((r) => setTimeout(r, 200));
    expect(h.sim!.stats().chat, 'one LLM call').to.equal(1);
    expect(hellos(), 'Hello published once').to.equal(1);
    const [first, second, third] = answers as [AnswerRecord, AnswerRecord, AnswerRecord];
    expect(first.error).to.match(/^E_LLM_TIMEOUT/);
    expect(first.actions.map((a) => [a.name, a.verdict]), 'the leader that left reports what it published').to.deep.equal([['hello', 'ok']]);
    expect(published(first)).to.equal(1);
    expect(second.error).to.match(/^E_LLM_TIMEOUT/);
    for (const r of [second, third]) {
      expect(published(r), r.requestId).to.equal(0);
      expect(r.actions.every((a) => a.verdict !== 'ok' && a.verdict !== 'inserted'), JSON.stringify(r.actions)).to.equal(true);
    }
    expect(third.reply).to.equal(LONG_REPLY);
    expect(third.actions.map((a) => a.verdict)).to.deep.equal(['dropped:coalesced']);
    // Response topic and audit log: the sum of what the records say was published is what the robot got.
    const lines = await auditLines(3);
    const total = lines.reduce((n, l) => n + ((l.published_api_ids as number[] | undefined) ?? []).filter((id) => id === 1016).length, 0);
    expect(total, JSON.stringify(lines)).to.equal(hellos());
  });

  it('a leader that is canceled after its actions streamed: the other two do not execute them again', async () => {
    await start();
    const ctl = new AbortController();
    const first = ask(10, ctl.signal);
    await waitFor(() => hellos() === 1, 'the streamed Hello');
    const rest = [ask(10), ask(10)];
    ctl.abort();
    const answers = await Promise.all([first, ...rest]);
    await new Promise((r) => setTimeout(r, 200));
    expect(hellos()).to.equal(1);
    expect(answers.map(published)).to.deep.equal([1, 0, 0]);
  });

  it('a leader that leaves before anything streamed hands over: the next caller executes the decision, once', async () => {
    await start();
    // Actions after the reply (as written, not reordered to the schema): nothing streams before the first caller leaves.
    h.sim!.setScript([{ match: TEXT, content: JSON.stringify({ r: LONG_REPLY, a: ['hello'] }), raw: true }]);
    const answers = await Promise.all([ask(0.3), ask(10), ask(10)]);
    await new Promise((r) => setTimeout(r, 200));
    expect(hellos()).to.equal(1);
    expect(answers.map(published)).to.deep.equal([0, 1, 0]);
  });
});
