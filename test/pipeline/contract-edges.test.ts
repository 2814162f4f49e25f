import { expect } from 'chai';
import { main } from '../../src/cli/main';
import { createActionClient } from '../../src/ros/action-client';
import { MSG, type CommandFeedbackMsg, type CommandGoalMsg, type CommandResultMsg, type LlmQueryRequestMsg, type LlmQueryResponseMsg, type SpeechTextMsg } from '../../src/ros/messages';
import { one } from '../http/client';
import { startHarness, waitFor, type Harness } from '../helpers/app-harness';

const goal = (text: string, over: Partial<CommandGoalMsg> = {}): CommandGoalMsg => ({
  text, language: '', prompt_type: '', session_id: '', utterance_id: '', confidence: 0.9, priority: 0, dry_run: false, timeout_s: 0, ...over,
});

describe('contract edges: NaN confidence, dry_run with a stop word', function () {
  this.timeout(20000);
  let h: Harness;
  afterEach(async () => h?.close());

  it('a SpeechText with NaN confidence counts as unscored: accepted and executed like input without a score', async () => {
    h = await startHarness({ withLlm: false, config: { robot: { initial_posture: 'standing' } } });
    const speech = h.peer.createPublisher<SpeechTextMsg>(MSG.SpeechText, '/claudia/speech');
    speech.publish({ stamp: { sec: 0, nanosec: 0 }, utterance_id: 'nan-1', text: '座って', language: 'ja', confidence: NaN, is_final: true, source: 'asr' });
    await waitFor(() => h.responses.length === 1, 'the response');
    expect(h.responses[0]!.error).to.equal('');
    expect(h.go2.apiIds()).to.deep.equal([1009]);
    const client = createActionClient<CommandGoalMsg, CommandResultMsg, CommandFeedbackMsg>(h.peer, MSG.Command, '/claudia/command');
    try {
      const { result } = await (await client.sendGoal(goal('お座り', { confidence: NaN }))).result;
      expect(result.error, 'a Command goal with NaN confidence').to.equal('');
    } finally {
      client.close();
    }
    for (const confidence of [NaN, -1, Number.NEGATIVE_INFINITY]) {
      const rec = await h.app.pipeline.handle({ text: 'お座り', origin: 'service', confidence });
      expect({ confidence, error: rec.error }).to.deep.equal({ confidence, error: '' });
    }
  });

  it('dry_run with a stop word publishes StopMove on every interface (service, action, HTTP, CLI and console paths)', async () => {
    h = await startHarness({ withLlm: false, config: { metrics: { enabled: true, port: 0 }, robot: { initial_posture: 'standing' } } });
    const stops = () => h.go2.apiIds().filter((id) => id === 1003).length;
    const expectOneMore = async (what: string, before: number, send: () => Promise<unknown>) => {
      const answer = await send();
      await waitFor(() => stops() === before + 1, `StopMove from ${what}`, 3000);
      expect(h.go2.apiIds().every((id) => id === 1003), what).to.equal(true);
      return answer;
    };
    const svc = h.peer.createClient<Partial<LlmQueryRequestMsg>, LlmQueryResponseMsg>(MSG.LlmQuery, '/claudia/llm_query');
    const res = (await expectOneMore('the LlmQuery service', stops(), () => svc.call({ text: '止まって', dry_run: true }, { timeoutMs: 5000 }))) as LlmQueryResponseMsg;
    expect(res.actions.map((a) => a.name)).to.deep.equal(['stop']);
    const client = createActionClient<CommandGoalMsg, CommandResultMsg, CommandFeedbackMsg>(h.peer, MSG.Command, '/claudia/command');
    try {
      await expectOneMore('the Command action', stops(), async () => (await client.sendGoal(goal('stop', { dry_run: true }))).result);
    } finally {
      client.close();
    }
    const http = (await expectOneMore('POST /v1/query', stops(), () =>
      one(h.app.monitorUrl() as string, { method: 'POST', path: '/v1/query', headers: { 'content-type': 'application/json' }, json: { text: '停下', dry_run: true } }))) as { status: number; body: string };
    expect(http.status).to.equal(200);
    expect(JSON.parse(http.body).actions.map((a: { name: string }) => a.name)).to.deep.equal(['stop']);
    for (const origin of ['cli', 'console'] as const) {
      const rec = (await expectOneMore(origin, stops(), () => h.app.pipeline.handle({ text: '止まれ', origin, dryRun: true }))) as { actions: Array<{ name: string }>; dryRun: boolean };
      expect(rec.dryRun).to.equal(true);
      expect(rec.actions.map((a) => a.name)).to.deep.equal(['stop']);
    }
    // And a dry run without a stop word publishes nothing.
    const before = h.go2.apiIds().length;
    await h.app.pipeline.handle({ text: '座って', origin: 'service', dryRun: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(h.go2.apiIds().length).to.equal(before);
  });

  it('claudia-llm query --dry-run with a stop word answers with the stop (its in-process node publishes StopMove)', async () => {
    const out: string[] = [];
    const code = await main(['query', '止まって', '--json', '--no-llm', '--dry-run'], { out: (l) => out.push(l), err: () => undefined });
    expect(code).to.equal(0);
    const res = JSON.parse(out.join('\n'));
    expect(res.actions).to.deep.equal([{ name: 'stop', api_id: 1003, parameter: '{}', verdict: 'ok' }]);
  });
});
