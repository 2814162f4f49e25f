import { expect } from 'chai';
import { backendFactoryFor, createLlmDecider, type FullLlmDecider, type LlmBackend, type LlmRequest } from '../../src/llm';
import { validatesAgainst } from '../../src/llm/simulator';
import { buildOutputSchema } from '../../src/prompt/output-schema';
import { runnerOptions } from '../../src/prompt';
import type { Config } from '../../src/config/types';
import { createSystemClock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';
import { catalogue, llmConfig, request } from './llm-fixtures';

export interface LiveTarget {
  /** Why the suite does not run (no server named, or it is the simulator); '' = it runs. */
  skipReason: string;
  config?: Readonly<Config>;
}

/**
 * The live suite, the same for every backend: schema-constrained output, key order,
 * cancellation, one command in each language. It runs only against a real server; without
 * one every test reports pending with the reason in its title (the only skips CI allows).
 * LIVE_ALLOW_SIMULATOR=1 runs it against the simulator, to check the suite itself.
 */
export function liveSuite(title: string, target: () => Promise<LiveTarget>): void {
  describe(title, function () {
    this.timeout(180_000);
    let skipReason = '';
    let config: Readonly<Config>;
    let llm: FullLlmDecider | undefined;
    let backend: LlmBackend | undefined;
    const schema = buildOutputSchema(catalogue(), { actions: true, maxActions: 3 });

    before(async function () {
      const t = await target();
      skipReason = t.skipReason;
      if (skipReason || !t.config) return;
      config = t.config;
      const ctx = { config, clock: createSystemClock(), logger: createSilentLogger() };
      const factory = backendFactoryFor(config);
      backend = factory.create(factory.hosts(config)[0] as string, ctx);
      llm = createLlmDecider({ config, catalogue: catalogue(), clock: ctx.clock, logger: ctx.logger });
      await llm.warmup();
    });
    after(async () => {
      await llm?.close();
      await backend?.close();
    });
    beforeEach(function () {
      if (skipReason) {
        if (this.currentTest) this.currentTest.title += ` [SKIPPED: ${skipReason}]`;
        this.skip();
      }
    });

    const ask = (text: string, extra: Partial<LlmRequest> = {}): LlmRequest => ({
      model: backendFactoryFor(config).model(config),
      messages: [
        { role: 'system', content: 'You control a robot dog. Answer with JSON: "a" is the list of actions, "r" a short reply.' },
        { role: 'user', content: text },
      ],
      format: schema,
      options: { ...runnerOptions(config), temperature: 0, top_p: 1, num_predict: 128 },
      ...extra,
    });

    it('output follows the schema, with "a" before "r" and "n" first in every action object', async () => {
      let text = '';
      for await (const c of (backend as LlmBackend).chatStream(ask('walk forward one meter, then sit'), new AbortController().signal)) text += c.content;
      const value = JSON.parse(text) as { a: unknown[] };
      expect(validatesAgainst(value, schema), text).to.equal(true);
      expect(text.trimStart(), text).to.match(/^\{\s*"a"/);
      for (const item of value.a) if (typeof item === 'object') expect(Object.keys(item as object)[0]).to.equal('n');
    });

    it('cancellation: aborting after the first chunk rejects with the reason; the next call works', async () => {
      const ctl = new AbortController();
      const reason = new Error('cancelled by the live test');
      const err = await (async () => {
        for await (const c of (backend as LlmBackend).chatStream(ask('tell a long story about robot dogs', { format: undefined, options: { ...runnerOptions(config), num_predict: 400 } }), ctl.signal)) {
          void c;
          ctl.abort(reason);
        }
      })().catch((e: unknown) => e);
      expect(err).to.equal(reason);
      const r = await (backend as LlmBackend).chat(ask('sit'), new AbortController().signal);
      expect(validatesAgainst(JSON.parse(r.content), schema)).to.equal(true);
    });

    for (const [text, language] of [['座って', 'ja'], ['坐下', 'zh'], ['sit down, please', 'en']] as const) {
      it(`"${text}" (${language}): sit, with a ${language} reply`, async () => {
        const d = await (llm as FullLlmDecider).decide(request(text, { timeoutMs: 120_000, promptType: 'command' }), { signal: new AbortController().signal });
        expect(d.source).to.equal('llm');
        expect(d.language).to.equal(language);
        expect(d.actions.map((a) => a.name)).to.include('sit');
        expect(d.reply.length).to.be.greaterThan(0);
      });
    }
  });
}

/** A live config for either backend, with deadlines a real model on a small board can meet. */
export function liveConfig(host: string, extra: Parameters<typeof llmConfig>[1] = {}): Readonly<Config> {
  return llmConfig([host], { ...extra, ollama: { request_timeout_s: 120, health_interval_s: 5, ...extra.ollama }, sched: { deadline_high_s: 120, deadline_medium_s: 120 } });
}
