import { configWith, type Config, type DeepPartial } from '../../src/config';
import { analyse } from '../../src/lang';
import type { Request } from '../../src/pipeline/types';
import { loadCatalogue, type ActionCatalogue } from '../../src/robot/catalogue';

export function testConfig(over: DeepPartial<Config> = {}): Config {
  return configWith(over) as Config;
}

export function testCatalogue(config: Config): ActionCatalogue {
  return loadCatalogue(config.robot.actions_file);
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
