import { expect } from 'chai';
import fc from 'fast-check';
import type { Config } from '../../src/config/types';
import type { ActionCatalogue } from '../../src/robot/catalogue';
import type { UnitreeRequestMsg } from '../../src/ros/messages';

/** Fixed seed and bounded runs: the suite is deterministic and stays within seconds. */
export const SEED = 13_013;
export const runs = (numRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns, endOnFailure: true });

/** Text a hostile or broken recogniser could send: any Unicode, controls, lone surrogates, emoji, long runs. */
export const hostileText = (maxLength = 300): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: fc.constantFrom('\u0000', '\u001b', '\r', '\n', '\u202e', '\ud800', '\udfff', '\uffff', '\u3099', '座', 'っ', '!', ' ', 'a'), maxLength }),
  );

/** Anything a field of a message could hold when the sender does not follow the schema. */
export const anyField: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

/**
 * Every sport request the robot got was validated: an api id on the whitelist, a JSON
 * object as parameter, and Move velocities inside the configured bounds.
 */
export function expectOnlyValidated(requests: readonly UnitreeRequestMsg[], catalogue: ActionCatalogue, config: Readonly<Config>): void {
  const allowed = catalogue.apiIds();
  for (const r of requests) {
    const apiId = Number(r.header.identity.api_id);
    expect(allowed.has(apiId) || apiId === 1003, `api id ${apiId} is on the whitelist`).to.equal(true);
    const p = JSON.parse(r.parameter === '' ? '{}' : r.parameter) as Record<string, unknown>;
    expect(typeof p === 'object' && p !== null && !Array.isArray(p), r.parameter).to.equal(true);
    if (apiId === 1008) {
      const eps = 1e-9;
      expect(Math.abs(Number(p.x))).to.be.at.most(config.robot.move_max_vx + eps);
      expect(Math.abs(Number(p.y))).to.be.at.most(config.robot.move_max_vy + eps);
      expect(Math.abs(Number(p.z))).to.be.at.most(config.robot.move_max_vyaw + eps);
    }
  }
}

/** Commands the reflexes know, wrapped in hostile text, so fuzzing reaches the robot too. */
export const commandish: fc.Arbitrary<string> = fc
  .tuple(hostileText(12), fc.constantFrom('座って', '前に進んで', '右に回って', 'お手', '伏せ', 'sit down', 'walk forward', '转圈', '止まって', 'stop'), hostileText(12))
  .map(([a, cmd, b]) => `${a} ${cmd} ${b}`);
