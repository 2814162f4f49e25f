import * as path from 'node:path';
import { configWith, type DeepPartial } from '../../src/config';
import type { Config } from '../../src/config/types';
import { analyse } from '../../src/lang';
import type { PromptType, Priority, Request } from '../../src/pipeline/types';
import { loadCatalogue, type ActionCatalogue } from '../../src/robot/catalogue';

let seq = 0;

export function catalogue(): ActionCatalogue {
  return loadCatalogue(path.join(__dirname, '../../config/actions.yaml'));
}

/** A pipeline Request as the pipeline would build it. */
export function request(text: string, o: { language?: string; promptType?: PromptType | ''; sessionId?: string; priority?: Priority; timeoutMs?: number } = {}): Request {
  seq++;
  return {
    id: `t-${seq}`,
    utteranceId: `u-${seq}`,
    origin: 'cli',
    analysed: analyse(text, o.language ?? ''),
    confidence: -1,
    promptType: o.promptType ?? '',
    sessionId: o.sessionId ?? '',
    priority: o.priority ?? 0,
    dryRun: false,
    timeoutMs: o.timeoutMs ?? 10_000,
    receivedAt: 0,
    epoch: 0,
  };
}

/** Config pointing at the given simulator URLs; health checks fast so recovery shows quickly. */
export function llmConfig(hosts: string[], extra: DeepPartial<Config> = {}): Readonly<Config> {
  return configWith({
    ...extra,
    ollama: { warmup: false, health_interval_s: 0.05, connect_timeout_s: 1, num_parallel: 4, ...extra.ollama, hosts },
    sched: { ...extra.sched },
  });
}
