import { expect } from 'chai';
import fc from 'fast-check';
import { createOutputParser } from '../../src/llm/output-parser';
import { FAST_PROFILE } from '../../src/llm/simulator';
import { PHRASE_LANGUAGES, shippedPhrasebook } from '../../src/lang/phrasebook';
import { ClaudiaError } from '../../src/util/errors';
import { startHarness, type Harness } from '../helpers/app-harness';
import { expectOnlyValidated, hostileText, runs } from './helpers';

const actionName = fc.oneof(fc.constantFrom('sit', 'hello', 'dance1', 'front_flip', 'move', 'forward', 'turn_left', 'stop', 'api_1018', '', 'Sit'), fc.string({ maxLength: 10 }));
const param = fc.oneof(fc.double(), fc.integer(), fc.boolean(), fc.string({ maxLength: 6 }), fc.constant(null));
const action = fc.oneof(actionName, fc.record({ n: actionName, p: fc.dictionary(fc.constantFrom('speed', 'distance', 'angle', 'duration', 'x', '__proto__'), param, { maxKeys: 3 }) }, { requiredKeys: [] }));
/** Model output: well-formed, nearly well-formed (cut, doubled, wrong types) and garbage. */
const modelOutput: fc.Arbitrary<string> = fc.oneof(
  fc.record({ a: fc.array(action, { maxLength: 6 }), r: fc.string({ maxLength: 60 }) }).map((o) => JSON.stringify(o)),
  fc.record({ a: fc.oneof(fc.array(action, { maxLength: 3 }), fc.string(), fc.integer(), fc.constant(null)), r: fc.oneof(fc.string({ maxLength: 20 }), fc.integer()) }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
  fc.tuple(fc.record({ a: fc.array(action, { maxLength: 3 }), r: fc.string({ maxLength: 30 }) }).map((o) => JSON.stringify(o)), fc.nat()).map(([s, n]) => s.slice(0, n % (s.length + 1))),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  hostileText(120),
);

/** fast-check over what an LLM can write, through the output parser and through the whole node (simulator). */
describe('robustness: LLM output, stop words, one decision once (fast-check, fixed seed)', function () {
  this.timeout(60000);

  it('the output parser, fed in any chunking, returns validated proposals or throws E_LLM_BAD_OUTPUT, nothing else', () => {
    fc.assert(
      fc.property(modelOutput, fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 8 }), (text, cuts) => {
        const p = createOutputParser();
        try {
          let i = 0;
          for (let k = 0; i < text.length; k++) {
            const n = cuts[k % cuts.length] as number;
            const acts = p.push(text.slice(i, i + n));
            i += n;
            if (acts) for (const a of acts) expect(typeof a.name).to.equal('string');
          }
          const out = p.finish();
          expect(typeof out.reply).to.equal('string');
          for (const a of out.actions) {
            expect(typeof a.name).to.equal('string');
            for (const v of Object.values(a.params ?? {})) expect(['number', 'boolean']).to.include(typeof v);
          }
        } catch (err) {
          expect(err, String(err)).to.be.instanceOf(ClaudiaError);
          expect((err as ClaudiaError).code).to.equal('E_LLM_BAD_OUTPUT');
        }
      }),
      runs(400),
    );
  });

  describe('through the node (the Ollama simulator writes the output as scripted, raw)', () => {
    let h: Harness;
    afterEach(async () => h?.close());

    it('whatever the model writes, only validated requests reach the robot and every request is answered', async () => {
      h = await startHarness({ config: { cache: { enabled: false }, robot: { initial_posture: 'standing', move_default_duration_s: 0.1, move_max_duration_s: 0.3 } } });
      let n = 0;
      await fc.assert(
        fc.asyncProperty(modelOutput, async (content) => {
          const text = `おしゃべりしよう ${++n}`;
          h.sim!.setScript([{ match: text, content, raw: true }]);
          const rec = await h.app.pipeline.handle({ text, origin: 'service', timeoutS: 5 });
          expect(typeof rec.reply).to.equal('string');
          expect(rec.reply.length, 'a reply always goes out').to.be.greaterThan(0);
          for (const a of rec.actions) if (a.verdict === 'ok') expect(h.app.catalogue.byName(a.name), a.name).to.not.equal(undefined);
        }),
        runs(60),
      );
      expectOnlyValidated(h.go2.requests, h.app.catalogue, h.app.config);
      expect(h.sim!.stats().chat).to.equal(60);
    });

    it('a stop word anywhere in hostile text stops: StopMove for every one, on every entry point, dry run or not', async () => {
      h = await startHarness({ withLlm: false, config: { robot: { initial_posture: 'standing' } } });
      const stops = () => h.go2.apiIds().filter((id) => id === 1003).length;
      await fc.assert(
        fc.asyncProperty(
          hostileText(200),
          fc.constantFrom(...PHRASE_LANGUAGES.flatMap((l) => shippedPhrasebook()[l].stop)),
          hostileText(200),
          fc.constantFrom('speech' as const, 'speech_text' as const, 'service' as const, 'action' as const, 'http' as const, 'cli' as const, 'console' as const),
          fc.boolean(),
          fc.boolean(),
          async (before, word, after, origin, dryRun, upper) => {
            const n = stops();
            const text = `${before} ${upper ? word.toUpperCase() : word} ${after}`;
            const rec = await h.app.pipeline.handle({ text, origin, dryRun, utteranceId: `u-${n}` });
            expect(stops(), JSON.stringify(text)).to.equal(n + 1);
            expect(rec.actions.map((a) => a.name), JSON.stringify(text)).to.include('stop');
          },
        ),
        runs(300),
      );
    });

    it('one decision executes at most once: any number of identical callers leaving at any time', async () => {
      h = await startHarness({
        simProfile: { ...FAST_PROFILE, name: 'slow-reply', decodeTokPerS: 400 },
        config: { cache: { enabled: false }, robot: { initial_posture: 'standing' } },
      });
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(fc.record({ timeoutS: fc.double({ min: 0.01, max: 0.6, noNaN: true }), cancelAfterMs: fc.option(fc.integer({ min: 0, max: 300 })) }), { minLength: 2, maxLength: 4 }), async (callers) => {
          const text = `皆さんにご挨拶してね ${++n}`;
          h.sim!.setScript([{ match: text, content: { a: ['hello'], r: 'こんにちは、皆さん。ようこそ。'.repeat(3) } }]);
          const before = h.go2.apiIds().filter((id) => id === 1016).length;
          const answers = await Promise.all(
            callers.map(({ timeoutS, cancelAfterMs }) => {
              const ctl = new AbortController();
              if (cancelAfterMs !== null) setTimeout(() => ctl.abort(), cancelAfterMs);
              return h.app.pipeline.handle({ text, origin: 'service', timeoutS }, { signal: ctl.signal });
            }),
          );
          await new Promise((r) => setTimeout(r, 30));
          const hellos = h.go2.apiIds().filter((id) => id === 1016).length - before;
          expect(hellos, JSON.stringify(callers)).to.be.at.most(1);
          const claimed = answers.reduce((k, r) => k + r.publishedApiIds.filter((id) => id === 1016).length, 0);
          expect(claimed, 'the records say what was published').to.equal(hellos);
        }),
        runs(12),
      );
    });
  });
});
