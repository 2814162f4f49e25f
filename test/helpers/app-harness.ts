import { createApp, type App } from '../../src/app';
import { configWith, type DeepPartial } from '../../src/config/load';
import type { Config } from '../../src/config/types';
import { createOllamaSimulator } from '../../src/llm/simulator';
import type { LatencyProfile, OllamaSimulator, SimScriptEntry } from '../../src/llm/simulator/types';
import { MSG, type LlmResponseMsg } from '../../src/ros/messages';
import { createMemoryTransport, MemoryGraph } from '../../src/ros/memory-transport';
import type { RosTransport } from '../../src/ros/types';
import { createSystemClock, type Clock } from '../../src/util/clock';
import { createSilentLogger, type Logger } from '../../src/util/logger';
import { attachGo2Peer } from './go2-peer';

export interface Harness {
  app: App;
  sim?: OllamaSimulator;
  graph: MemoryGraph;
  peer: RosTransport;
  go2: ReturnType<typeof attachGo2Peer>;
  responses: LlmResponseMsg[];
  close(): Promise<void>;
}

/**
 * A whole node on the memory transport with the Ollama simulator over real HTTP, a Go2
 * stand-in answering sport requests, and a peer node for publishing speech.
 */
export async function startHarness(opts: {
  config?: DeepPartial<Config>;
  script?: SimScriptEntry[];
  simProfile?: LatencyProfile;
  withLlm?: boolean;
  clock?: Clock;
  logger?: Logger;
  codeFor?: (apiId: number) => number | undefined;
} = {}): Promise<Harness> {
  const clock = opts.clock ?? createSystemClock();
  let sim: OllamaSimulator | undefined;
  const overrides: DeepPartial<Config> = { ...opts.config };
  if (opts.withLlm !== false) {
    sim = createOllamaSimulator({ profile: opts.simProfile ?? 'fast', script: opts.script ?? [] });
    const url = await sim.listen(0);
    overrides.ollama = { warmup: false, ...opts.config?.ollama, hosts: [url] };
  } else {
    overrides.ollama = { ...opts.config?.ollama, enabled: false };
  }
  overrides.robot = { response_timeout_s: 0.5, sequence_pause_ms: 0, settle_ms: 0, ...opts.config?.robot };
  overrides.metrics = { enabled: false, ...opts.config?.metrics };
  const config = configWith(overrides);
  const graph = new MemoryGraph();
  const go2 = attachGo2Peer(graph, clock, { codeFor: opts.codeFor });
  const peer = createMemoryTransport({ graph, namespace: '/', clock, logger: createSilentLogger() });
  const responses: LlmResponseMsg[] = [];
  peer.createSubscription<LlmResponseMsg>(MSG.LlmResponse, '/claudia/response', (m) => responses.push(m));
  const app = await createApp(config, { clock, logger: opts.logger ?? createSilentLogger(), graph });
  await app.start();
  return {
    app, sim, graph, peer, go2, responses,
    async close() {
      await app.close();
      await peer.close();
      await go2.close();
      await sim?.close();
    },
  };
}

/** Polls until `cond` holds (bounded), for effects that arrive asynchronously. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
