import { expect } from 'chai';
import { createSeedBatcher, type SeedBatcher } from '../../bench/seed/batcher';
import { createSettler, driveTo, SettlingClock, type Settler } from '../../bench/workload/settling-clock';
import { configWith } from '../../src/config/load';
import { analyse } from '../../src/lang/detect-language';
import { createLlmDecider, type FullLlmDecider } from '../../src/llm';
import { createOllamaSimulator } from '../../src/llm/simulator';
import type { OllamaSimulator } from '../../src/llm/simulator/types';
import type { Decision, Request } from '../../src/pipeline/types';
import { loadCatalogue } from '../../src/robot/catalogue';
import { createSilentLogger } from '../../src/util/logger';

/** The seed design's batcher in front of our real LLM path and the simulator, on virtual time. */
describe('bench seed batcher (2 s window, 8 per batch, 4 batches in parallel)', function () {
  this.timeout(30_000);
  let clock: SettlingClock;
  let settler: Settler;
  let sim: OllamaSimulator;
  let inner: FullLlmDecider;
  let batcher: SeedBatcher;
  let seq = 0;

  beforeEach(async () => {
    clock = new SettlingClock();
    settler = createSettler();
    sim = createOllamaSimulator({ clock, profile: 'fast', slots: 64 });
    const url = await sim.listen(0);
    const config = configWith({ ollama: { hosts: [url], warmup: false, num_parallel: 64 }, sched: { streaming: false, coalesce: false, lane_max_medium: 256 }, metrics: { enabled: false } });
    inner = createLlmDecider({ config, catalogue: loadCatalogue(config.robot.actions_file), clock, logger: createSilentLogger() });
    batcher = createSeedBatcher({ inner, clock });
    await driveTo(clock, settler, clock.now() + 50); // first health probe
  });

  afterEach(async () => {
    await batcher.close();
    await sim.close();
    settler.close();
  });

  function request(text: string): Request {
    const id = `r${++seq}`;
    return { id, utteranceId: id, origin: 'cli', analysed: analyse(text, 'en'), confidence: 0.9, promptType: '', sessionId: '', priority: 2, dryRun: false, timeoutMs: 60_000, receivedAt: clock.now(), epoch: 0 };
  }

  const controllers: AbortController[] = [];
  function ask(n: number): Array<Promise<Decision>> {
    return Array.from({ length: n }, (_, i) => {
      const ctl = new AbortController();
      controllers.push(ctl);
      const p = batcher.decide(request(`tell me about topic number ${seq + i}`), { signal: ctl.signal });
      p.catch(() => undefined); // a failed assertion must not leave an unhandled rejection behind
      return p;
    });
  }

  const chats = () => sim.stats().chat;

  it('holds a small batch for the 2 s window, then sends it', async () => {
    const t0 = clock.now();
    const answers = ask(3);
    await driveTo(clock, settler, t0 + 1990);
    expect(chats()).to.equal(0);
    await driveTo(clock, settler, t0 + 2100);
    expect(chats()).to.equal(3);
    const done = await Promise.all(answers);
    expect(done.map((d) => d.source)).to.deep.equal(['llm', 'llm', 'llm']);
    expect(batcher.stats().sizes).to.deep.equal([3]);
  });

  it('sends a full batch of 8 at once; the 9th waits for its own window', async () => {
    const t0 = clock.now();
    const answers = ask(9);
    await driveTo(clock, settler, t0 + 10);
    expect(chats()).to.equal(8);
    await driveTo(clock, settler, t0 + 2100);
    expect(chats()).to.equal(9);
    await Promise.all(answers);
    expect(batcher.stats().sizes).to.deep.equal([8, 1]);
  });

  it('keeps at most 4 batches in flight; the 5th waits for one to finish', async () => {
    sim.setMode('stall');
    const answers = ask(40).map((p) => p.catch((e: unknown) => e));
    await driveTo(clock, settler, clock.now() + 100);
    expect(chats()).to.equal(32);
    for (const c of controllers) c.abort(new Error('test over'));
    const outcomes = await Promise.all(answers);
    expect(outcomes.every((o) => o instanceof Error)).to.equal(true);
  });
});
