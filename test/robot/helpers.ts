import { configWith, type Config, type DeepPartial } from '../../src/config';
import { analyse } from '../../src/lang';
import type { Request } from '../../src/pipeline/types';
import { loadCatalogue, type ActionCatalogue } from '../../src/robot/catalogue';

export function testConfig(over: DeepPartial<Config> = {}): Config {
  return configWith(over) as Config;
}

const catalogues = new Map<string, ActionCatalogue>();

/** The catalogue is immutable, so tests share one per file (parsing YAML per case is slow). */
export function testCatalogue(config: Config): ActionCatalogue {
  let c = catalogues.get(config.robot.actions_file);
  if (!c) {
    c = loadCatalogue(config.robot.actions_file);
    catalogues.set(config.robot.actions_file, c);
  }
  return c;
}

/** A request as the pipeline would build it; unscored (-1) unless a confidence is given. */
export function makeRequest(over: Partial<Request> = {}): Request {
  return {
    id: 'r-test',
    utteranceId: 'u-test',
    origin: 'speech',
    analysed: analyse('test'),
    confidence: -1,
    promptType: '',
    sessionId: '',
    priority: 0,
    dryRun: false,
    timeoutMs: 10000,
    receivedAt: 0,
    epoch: 0,
    ...over,
  };
}
