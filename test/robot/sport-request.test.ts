import { expect } from 'chai';
import { clampedMove, sportRequest } from '../../src/robot/sport-request';
import { testConfig } from './helpers';

describe('robot: sport request', () => {
  it('builds the Request exactly as the SDK does', () => {
    expect(sportRequest(42n, 1008, { x: 0.3, y: 0, z: 0 }, true)).to.deep.equal({
      header: { identity: { id: 42n, api_id: 1008n }, lease: { id: 0n }, policy: { priority: 0, noreply: true } },
      parameter: '{"x":0.3,"y":0,"z":0}',
      binary: [],
    });
  });

  it('clamps Move velocities and duration to robot.move_*, and turns NaN into standstill', () => {
    const config = testConfig();
    expect(clampedMove({ vx: 5, vy: -5, vyaw: -5, durationMs: 1e9 }, config)).to.deep.equal({ param: { x: 0.8, y: -0.4, z: -1 }, durationMs: 10_000 });
    expect(clampedMove({ vx: Number.NaN, vy: Infinity, vyaw: 0.2, durationMs: Number.NaN }, config)).to.deep.equal({ param: { x: 0, y: 0, z: 0.2 }, durationMs: 0 });
  });
});
