import { configWith, type DeepPartial } from '../../src/config/load';
import type { Config } from '../../src/config/types';
import { createLlmDecider } from '../../src/llm';
import { createPipeline, type Pipeline } from '../../src/pipeline/pipeline';
import { createStopEpoch, type EmergencyReflex } from '../../src/pipeline/stages';
import { loadCatalogue } from '../../src/robot/catalogue';
import { createMotionExecutor } from '../../src/robot/motion-executor';
import { createRobotState } from '../../src/robot/robot-state';
import { createSafetyCompiler } from '../../src/robot/safety-compiler';
import { MSG, type UnitreeRequestMsg, type UnitreeResponseMsg } from '../../src/ros/messages';
import { createMemoryTransport, type MemoryGraph } from '../../src/ros/memory-transport';
import type { Clock } from '../../src/util/clock';
import type { Logger } from '../../src/util/logger';
import { createTelemetry } from '../../src/util/telemetry';
import { createSeedBatcher, type SeedBatcher } from './batcher';
import { createSeedExactCache } from './exact-cache';

/** The seed had no reflex layer: a stop word went to the LLM like everything else. */
const NO_REFLEX: EmergencyReflex = { match: () => undefined };

/**
 * What the seed system's configuration means in our config: no streaming, no coalescing,
 * no holding back in front of Ollama (up to 4 x 8 requests sent at once, Ollama queues them),
 * no reserved slot, one effectively unbounded FIFO (every request goes in as medium, and
 * every lane is as large and as patient as the request timeout), no semantic tier, no Redis.
 */
export function seedConfig(base: DeepPartial<Config>): Readonly<Config> {
  const timeout = base.ollama?.request_timeout_s ?? 20;
  return configWith({
    ...base,
    // The seed sent every request of its batches to Ollama at once and let Ollama queue them.
    ollama: { ...base.ollama, num_parallel: 32 },
    cache: { ...base.cache, enabled: true, semantic_enabled: false, redis_enabled: false },
    // The seed ran one plan after another in arrival order.
    robot: { ...base.robot, arbitration: 'queue' },
    sched: {
      ...base.sched,
      streaming: false,
      coalesce: false,
      reserve_slot_for_high: false,
      lane_max_urgent: 4096,
      lane_max_high: 4096,
      lane_max_medium: 4096,
      lane_max_low: 4096,
      deadline_urgent_s: timeout,
      deadline_high_s: timeout,
      deadline_medium_s: timeout,
      deadline_low_s: timeout,
    },
  });
}

export interface SeedSystem {
  config: Readonly<Config>;
  pipeline: Pipeline;
  llm: SeedBatcher & { warmup(): Promise<void> };
  close(): Promise<void>;
}

/**
 * The seed design rebuilt from claudia_llm's own parts (createPipeline and its stages),
 * configured as the seed was: no L0/L1 reflex, an exact-repeat cache, a 2 s / 8-request /
 * 4-parallel batcher in front of the LLM path, no streaming, no priorities. Safety
 * compiler and motion executor are ours (the measurement needs the same first effect).
 * Publishes on /api/sport/request of `graph` and listens to /api/sport/response.
 */
export function createSeedSystem(deps: { config: DeepPartial<Config>; clock: Clock; logger: Logger; graph: MemoryGraph; batch?: { windowMs?: number; maxBatch?: number; maxParallel?: number; release?: 'each' | 'batch' } }): SeedSystem {
  const { clock, logger } = deps;
  const config = seedConfig(deps.config);
  const telemetry = createTelemetry();
  const catalogue = loadCatalogue(config.robot.actions_file);
  const epoch = createStopEpoch();
  const state = createRobotState({ config, clock, telemetry });
  const transport = createMemoryTransport({ graph: deps.graph, namespace: config.node.namespace, clock, logger });
  const pub = transport.createPublisher<UnitreeRequestMsg>(MSG.Request, config.topics.sport_request);
  const executor = createMotionExecutor({ config, catalogue, state, epoch, clock, logger, telemetry, publish: (m) => pub.publish(m) });
  transport.createSubscription<UnitreeResponseMsg>(MSG.Response, config.topics.sport_response, (m) => executor.onResponse(m));
  const safety = createSafetyCompiler({ config, catalogue, state, epoch, telemetry });
  const inner = createLlmDecider({ config, catalogue, clock, logger, telemetry });
  const batcher = createSeedBatcher({ inner, clock, ...deps.batch });
  const llm = Object.assign(batcher, { warmup: () => inner.warmup() });
  const cache = createSeedExactCache({ maxEntries: config.cache.memory_max_entries });
  const pipeline = createPipeline({ config, catalogue, clock, logger, telemetry, epoch, emergency: NO_REFLEX, cache, llm, safety, executor });
  return {
    config,
    pipeline,
    llm,
    async close() {
      await pipeline.close();
      await executor.close();
      await llm.close();
      await transport.close();
    },
  };
}
