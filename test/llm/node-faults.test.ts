import { expect } from 'chai';
import { MSG, type LlmQueryRequestMsg, type LlmQueryResponseMsg } from '../../src/ros/messages';
import type { SimMode } from '../../src/llm/simulator';
import { startHarness, waitFor, type Harness } from '../helpers/app-harness';

/**
 * The LLM faults seen from the whole node (memory transport, simulator over HTTP): every
 * request is answered within its timeout with a reply or a clear error, nothing reaches
 * /api/sport/request unless a complete, validated action list came out, the node stays up
 * and the next request works again without intervention.
 */
describe('llm faults through the whole node', function () {
  this.timeout(20000);
  let h: Harness;
  afterEach(async () => h?.close());
  const UTTER = 'ちょっと休憩しようか';
  const script = [{ match: UTTER, content: { a: ['lie_down'], r: '伏せて休みます。' } }];
  const call = (req: Partial<LlmQueryRequestMsg>) =>
    h.peer.createClient<Partial<LlmQueryRequestMsg>, LlmQueryResponseMsg>(MSG.LlmQuery, '/claudia/llm_query').call(req, { timeoutMs: 10000 });

  for (const [mode, code] of [
    ['stall', 'E_LLM_TIMEOUT'],
    ['garbage', 'E_LLM_BAD_OUTPUT'],
    ['http503', 'E_LLM_UNAVAILABLE'],
    ['drop', 'E_LLM_UNAVAILABLE'],
  ] as Array<[SimMode, string]>) {
    it(`${mode}: a fallback reply with ${code}, nothing published, and the next request works`, async () => {
      h = await startHarness({ script, config: { robot: { initial_posture: 'standing' }, ollama: { health_interval_s: 0.05 } } });
      h.sim?.setMode(mode);
      const res = await call({ text: UTTER, timeout_s: 0.5 });
      expect(res.error.startsWith(`${code}:`), res.error).to.equal(true);
      expect(res.reply.length).to.be.greaterThan(0);
      expect(res.source).to.equal('fallback');
      expect(h.go2.requests).to.have.length(0);
      h.sim?.setMode('normal');
      await waitFor(() => h.app.llm?.available() === true, 'LLM available again');
      // A different wording, so no cache can answer it: it must go through the LLM again.
      h.sim?.setScript([...script, { match: `${UTTER}ね`, content: { a: ['lie_down'], r: '伏せて休みます。' } }]);
      const ok = await call({ text: `${UTTER}ね` });
      expect(ok.error).to.equal('');
      expect(ok.source).to.equal('llm');
      expect(h.go2.apiIds()).to.deep.equal([1005]);
    });
  }

  it('Ollama down at start: the node comes up, answers with E_LLM_UNAVAILABLE, and uses Ollama once it is back', async () => {
    h = await startHarness({ script, config: { ollama: { health_interval_s: 0.05 } } });
    const sim = h.sim!;
    const port = Number(new URL(sim.url()!).port);
    await sim.close();
    const res = await call({ text: UTTER });
    expect(res.error.startsWith('E_LLM_UNAVAILABLE:'), res.error).to.equal(true);
    expect(h.go2.requests).to.have.length(0);
    await sim.listen(port);
    await waitFor(() => h.app.llm?.available() === true, 'LLM available again');
    await waitFor(() => (h.app.llm as unknown as { inspect(): { hosts: Array<{ health: string }> } }).inspect().hosts[0]?.health === 'up', 'host up');
    const ok = await call({ text: UTTER });
    expect(ok.source).to.equal('llm');
    expect(ok.actions.map((a) => a.name)).to.include('lie_down');
  });
});
