import { fixturePath } from '../helpers/repo-data';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { bagTopic, createBagWriter, openBag } from '../../src/bag';
import { runReplay } from '../../src/cli/replay';
import { configWith } from '../../src/config/load';
import { MSG } from '../../src/ros/messages';
import { createSilentLogger } from '../../src/util/logger';
import { tempBagDirs } from '../bag/helpers';

/** Wire captures from a real ROS 2 (rmw_cyclonedds, recorded with ros2 bag record): test/fixtures/cdr. */
const FIXTURES = fixturePath('cdr', 'ros2-cyclonedds.jsonl');

interface Capture {
  type: string;
  value: Record<string, unknown>;
  hex: string;
}

describe('replay of payloads serialized by a real ROS 2 (not by this codec)', function () {
  this.timeout(30_000);
  const dirs = tempBagDirs();
  afterEach(() => dirs.cleanup());

  it('plays the captured bytes as stored by ros2 bag record; texts arrive intact and a partial stop word stops', async () => {
    const captures = readFileSync(FIXTURES, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Capture);
    const strings = captures.filter((c) => c.type === MSG.String && (c.value.data as string) !== '');
    const speech = captures.filter((c) => c.type === MSG.SpeechText);
    expect(strings.length).to.be.greaterThan(1);
    expect(speech.some((c) => c.value.is_final === false)).to.equal(true);

    const bag = dirs.next('captured');
    const w = createBagWriter({ dir: bag });
    w.addTopic(bagTopic('/claudia/speech_text', MSG.String));
    w.addTopic(bagTopic('/claudia/speech', MSG.SpeechText));
    let t = 1_764_000_000_000_000_000n;
    // The bytes go into the bag untouched, exactly as ros2 bag record stores them.
    for (const c of [...strings, ...speech]) {
      w.write(c.type === MSG.String ? '/claudia/speech_text' : '/claudia/speech', t, Buffer.from(c.hex, 'hex'));
      t += 2_000_000_000n;
    }
    w.close();
    const stored = openBag(bag);
    expect([...stored.messages()].map((m) => Buffer.from(m.data).toString('hex'))).to.deep.equal([...strings, ...speech].map((c) => c.hex));
    stored.close();

    const res = await runReplay({
      bagDir: bag,
      config: configWith({ robot: { initial_posture: 'standing' } }),
      rate: 0,
      clock: 'virtual',
      tailMs: 5000,
      llm: 'none',
      robot: { latencyMs: 20 },
      logger: createSilentLogger(),
    });
    const finals = [...strings.map((c) => c.value.data as string), ...speech.filter((c) => c.value.is_final !== false).map((c) => c.value.text as string)];
    // Every final utterance decoded to the captured text (UTF-8 incl. emoji) and got a response about that text.
    expect(res.outcomes.map((o) => o.text)).to.deep.equal(finals);
    expect(res.outcomes.map((o) => o.response !== undefined)).to.deep.equal(finals.map(() => true));
    // The partial "stop" (is_final false) reached the emergency reflex: the last command is StopMove.
    expect(res.sportApiIds.at(-1)).to.equal(1003);
  });
});
