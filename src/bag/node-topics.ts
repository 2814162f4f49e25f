import type { Config } from '../config/types';
import { MSG } from '../ros/messages';
import { resolveRosName } from '../ros/types';
import { ClaudiaError } from '../util/errors';
import type { RecordTopic } from './recorder';
import type { ReplayTopics } from './replay-session';

/** The node's topics under the configured namespace, as absolute names (what a bag records). */
export function replayTopics(config: Readonly<Config>): ReplayTopics {
  const r = (n: string) => resolveRosName(config.node.namespace, n);
  return { speech_text: r(config.topics.speech_text), speech: r(config.topics.speech), response: r(config.topics.response), sport_request: r(config.topics.sport_request), sport_response: r(config.topics.sport_response) };
}

/** What `record` takes by default: the node's inputs (speech, robot responses) and outputs. */
export function defaultRecordTopics(config: Readonly<Config>): RecordTopic[] {
  const t = replayTopics(config);
  return [
    { name: t.speech_text, type: MSG.String },
    { name: t.speech, type: MSG.SpeechText },
    { name: t.sport_request, type: MSG.Request },
    { name: t.sport_response, type: MSG.Response },
    { name: t.response, type: MSG.LlmResponse },
  ];
}

/**
 * `--topics a,b,c`: each item is one of the node's topics (absolute, or relative to the node's
 * namespace) or `name:pkg/msg/Type` for any other topic.
 */
export function parseTopicList(spec: string, config: Readonly<Config>): RecordTopic[] {
  const known = defaultRecordTopics(config);
  const out: RecordTopic[] = [];
  for (const raw of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const colon = raw.indexOf(':');
    const name = resolveRosName(config.node.namespace, colon > 0 ? raw.slice(0, colon) : raw);
    const type = colon > 0 ? raw.slice(colon + 1) : known.find((k) => k.name === name)?.type;
    if (!type) {
      throw new ClaudiaError('E_BAD_INPUT', `--topics: ${name} is not one of the node's topics (${known.map((k) => k.name).join(', ')}); give its type as ${name}:pkg/msg/Type`);
    }
    if (!out.some((o) => o.name === name)) out.push({ name, type });
  }
  if (out.length === 0) throw new ClaudiaError('E_BAD_INPUT', '--topics is empty; name at least one topic');
  return out;
}
