import { expect } from 'chai';
import fc from 'fast-check';
import { main } from '../../src/cli/main';
import { configFromOptions } from '../../src/cli/node-options';
import { createActionClient } from '../../src/ros/action-client';
import { MSG, type CommandFeedbackMsg, type CommandGoalMsg, type CommandResultMsg, type LlmQueryResponseMsg, type LlmResponseMsg } from '../../src/ros/messages';
import { startHarness, type Harness } from '../helpers/app-harness';
import { anyField, commandish, expectOnlyValidated, hostileText, runs } from './helpers';

/**
 * Property-based fuzzing of every way in (topics, the service, HTTP, the command line and
 * its parameters), fixed seed, bounded runs. Invariants: the node never crashes (the
 * test setup turns any unhandled rejection into a failure), every entry point answers,
 * and nothing unvalidated reaches the robot.
 */
describe('robustness: hostile input on every entry point (fast-check, fixed seed)', function () {
  this.timeout(60000);
  let h: Harness;
  before(async () => {
    h = await startHarness({ withLlm: false, config: { metrics: { enabled: true, port: 0 }, http: { rate_limit_max: 100000 }, robot: { initial_posture: 'standing', move_default_duration_s: 0.2 } } });
  });
  after(async () => h?.close());
  afterEach(() => expectOnlyValidated(h.go2.requests, h.app.catalogue, h.app.config));

  async function alive(): Promise<void> {
    const rec = await h.app.pipeline.handle({ text: 'お手', origin: 'service', dryRun: true });
    expect(rec.actions.map((a) => a.name)).to.include('hello');
  }

  it('speech (SpeechText with any field values) and speech_text (String with anything): every final one answered, never a crash', async () => {
    const speech = h.peer.createPublisher<Record<string, unknown>>(MSG.SpeechText, '/claudia/speech');
    const speechText = h.peer.createPublisher<Record<string, unknown>>(MSG.String, '/claudia/speech_text');
    await fc.assert(
      fc.asyncProperty(
        fc.record({ text: fc.oneof(hostileText(), commandish, anyField), language: fc.oneof(fc.constantFrom('', 'ja', 'zh', 'en', 'xx'), anyField), confidence: fc.oneof(fc.double(), anyField), is_final: fc.oneof(fc.boolean(), anyField), utterance_id: fc.oneof(fc.uuid(), fc.string({ maxLength: 8 }), anyField) }, { requiredKeys: [] }),
        fc.oneof(hostileText(), commandish, anyField),
        async (msg, data) => {
          const before = h.responses.length;
          speech.publish({ stamp: { sec: 0, nanosec: 0 }, source: 'fuzz', ...msg });
          speechText.publish({ data });
          // Each message ends in a response or nothing (a partial or a repeat); never a crash.
          await new Promise((r) => setImmediate(r));
          expect(h.responses.length).to.be.at.least(before);
        },
      ),
      runs(120),
    );
    await alive();
  });

  it('the LlmQuery service answers every request, whatever its fields hold', async () => {
    const client = h.peer.createClient<Record<string, unknown>, LlmQueryResponseMsg>(MSG.LlmQuery, '/claudia/llm_query');
    await fc.assert(
      fc.asyncProperty(
        fc.record({ text: fc.oneof(hostileText(), anyField), language: anyField, prompt_type: fc.oneof(fc.constantFrom('', 'dialog', 'command', 'technical', 'emergency'), anyField), session_id: anyField, priority: fc.oneof(fc.integer({ min: -2, max: 9 }), anyField), dry_run: fc.oneof(fc.constant(true), anyField), timeout_s: fc.oneof(fc.double(), anyField) }, { requiredKeys: [] }),
        async (req) => {
          const res = await client.call(req, { timeoutMs: 5000 });
          expect(typeof res.success).to.equal('boolean');
          if (!res.success) expect(res.error, JSON.stringify(res)).to.match(/^E_[A-Z_]+: /);
        },
      ),
      runs(120),
    );
    await alive();
  });

  it('the Command action ends every goal with a result, whatever its fields hold', async () => {
    const client = createActionClient<CommandGoalMsg, CommandResultMsg, CommandFeedbackMsg>(h.peer, MSG.Command, '/claudia/command');
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.record({ text: fc.oneof(hostileText(), commandish, anyField), language: anyField, prompt_type: anyField, session_id: anyField, utterance_id: anyField, confidence: fc.oneof(fc.double(), anyField), priority: fc.oneof(fc.integer({ min: -2, max: 9 }), anyField), dry_run: fc.oneof(fc.constant(true), anyField), timeout_s: fc.oneof(fc.double(), anyField) }, { requiredKeys: [] }),
          async (g) => {
            const { result } = await (await client.sendGoal(g as unknown as CommandGoalMsg)).result;
            expect(typeof result.success).to.equal('boolean');
            if (!result.success) expect(result.error, JSON.stringify(result)).to.match(/^E_[A-Z_]+: /);
          },
        ),
        runs(60),
      );
    } finally {
      client.close();
    }
    await alive();
  });

  it('POST /v1/query: any body is answered with a status below 500', async () => {
    const base = h.app.monitorUrl() as string;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.record({ text: fc.oneof(hostileText(), anyField.filter((v) => typeof v !== 'bigint')), dry_run: fc.constant(true), timeout_s: fc.oneof(fc.double({ noNaN: true }), fc.integer()), priority: fc.integer({ min: -1, max: 6 }) }, { requiredKeys: ['dry_run'] }).map((o) => JSON.stringify(o)),
          fc.string({ maxLength: 200 }),
        ),
        async (body) => {
          const r = await fetch(`${base}/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          await r.text();
          expect(r.status, body).to.be.below(500);
        },
      ),
      runs(80),
    );
    await alive();
  });

  it('command lines and -p parameters: parsed or refused with exit 2 / a ConfigError, never an internal error or a polluted prototype', async () => {
    const words = fc.constantFrom('run', 'query', 'eval', 'intents', 'pairs', 'audit', 'summary', 'bag', 'info', 'record', 'replay', 'sim-ollama', '--json', '--dry-run', '--timeout', '--priority', '-p', '--params', '--transport', '--metrics-port', '--ros-args', '-r', '--', '-', '__proto__.x=1', 'constructor.prototype.x=1');
    const io = { out: () => undefined, err: () => undefined };
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(words, fc.string({ maxLength: 12 })), { maxLength: 8 }), async (argv) => {
        const code = await main(argv, io, { parseOnly: true });
        expect([0, 1, 2], argv.join(' ')).to.include(code);
      }),
      runs(150),
    );
    const names = fc.oneof(fc.constantFrom('ollama.model', 'cache.ttl_s', 'robot.move_max_vx', 'node.utterance_window_s', '__proto__.x', 'constructor.name', 'ollama.__proto__', 'x'), fc.string({ maxLength: 16 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(names, fc.oneof(fc.string({ maxLength: 10 }), fc.double().map(String), fc.constantFrom('true', 'false', '', '1e400', '-1'))), { maxLength: 4 }), (params) => {
        try {
          configFromOptions({ param: params.map(([n, v]) => `${n}=${v}`) }, undefined);
        } catch (err) {
          expect((err as Error).name, String(err)).to.match(/ConfigError|BadInputError/);
        }
        expect(Object.getOwnPropertyNames(Object.prototype).sort()).to.deep.equal(PROTO_NAMES);
      }),
      runs(300),
    );
  });

  it('the response topic only ever carries well-formed records (and the fuzzing reached the robot)', () => {
    expect(h.responses.length, 'responses seen').to.be.greaterThan(50);
    expect(h.go2.requests.length, 'sport requests seen').to.be.greaterThan(0);
    for (const r of h.responses as LlmResponseMsg[]) {
      expect(typeof r.reply).to.equal('string');
      for (const a of r.actions) expect(a.verdict).to.match(/^(ok|inserted|blocked:|dropped:|unknown|failed|superseded)/);
    }
  });
});

const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();
