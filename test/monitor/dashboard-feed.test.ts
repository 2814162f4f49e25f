import { expect } from 'chai';
import { configWith } from '../../src/config/load';
import { createDashboardFeed, type FeedMessage, type Tick } from '../../src/monitor/dashboard-feed';
import { createEventLoopLag } from '../../src/monitor/event-loop-lag';
import { createInFlightTracker } from '../../src/monitor/in-flight';
import { createTelemetry } from '../../src/util/telemetry';
import { answerRecord } from './helpers';

/** The charts keep 180 ticks, each latency point a window of the last 10 ticks. */
const HISTORY = 180;
const WINDOW = 10;

describe('dashboard feed: key-figure cards and rows', () => {
  function feed() {
    const telemetry = createTelemetry();
    const config = configWith({});
    const lag = createEventLoopLag();
    const f = createDashboardFeed({ config, telemetry, statusSources: () => [], lag, inFlight: createInFlightTracker(telemetry, []), wallMs: () => 0, tickMs: 1000, push: () => undefined });
    const tick = () => (f.tick() as Extract<FeedMessage, { type: 'tick' }>).tick;
    return { telemetry, tick, close: () => (f.close(), lag.close()) };
  }

  it('keeps the latency cards while the chart still shows the answers, after the 10-tick window has emptied', () => {
    const { telemetry, tick, close } = feed();
    for (const ms of [10, 20, 30, 40, 1000]) telemetry.emit({ type: 'answer', record: answerRecord({ latencyMs: ms, firstEffectMs: ms / 10 }) });
    let t: Tick = tick();
    expect(t.p50).to.equal(30);
    expect(t.recent).to.deep.equal({ p50: 30, p99: 1000, firstEffectP50: 3, n: 5 });
    for (let i = 1; i < WINDOW; i++) t = tick();
    expect(t.p50, 'the window still holds them at its last tick').to.equal(30);
    t = tick();
    expect(t.p50, 'the 10-tick window is empty').to.equal(null);
    expect(t.recent.p50, 'the cards still show what the chart shows').to.equal(30);
    // The chart's oldest point with these answers leaves after HISTORY ticks; so do the cards.
    for (let i = WINDOW + 1; i < HISTORY + WINDOW - 1; i++) t = tick();
    expect(t.recent.n, 'at the last tick the chart still shows them').to.equal(5);
    t = tick();
    expect(t.recent).to.deep.equal({ p50: null, p99: null, firstEffectP50: null, n: 0 });
    close();
  });

  it('gives each row its first effect beside its total latency, and the way in', () => {
    const telemetry = createTelemetry();
    const pushed: FeedMessage[] = [];
    const lag = createEventLoopLag();
    const f = createDashboardFeed({ config: configWith({}), telemetry, statusSources: () => [], lag, inFlight: createInFlightTracker(telemetry, []), wallMs: () => 0, tickMs: 1000, push: (m) => pushed.push(m) });
    telemetry.emit({ type: 'answer', record: answerRecord({ latencyMs: 7012.345, firstEffectMs: 0.456, origin: 'http' }) });
    const row = (pushed[0] as Extract<FeedMessage, { type: 'answer' }>).row;
    expect(row).to.include({ latencyMs: 7012.35, firstEffectMs: 0.46, origin: 'http' });
    f.close();
    lag.close();
  });
});
