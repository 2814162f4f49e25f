import { ClaudiaError } from '../util/errors';
import { normaliseTypeName } from './registry';

/** `claudia_llm/msg/SpeechText` -> `claudia_llm::msg::dds_::SpeechText_` (rosidl_typesupport naming). */
export function ddsTypeName(type: string): string {
  const parts = normaliseTypeName(type).split('/');
  if (parts.length !== 3 || parts.some((p) => p === '')) {
    throw new ClaudiaError('E_CODEC', `type '${type}' must look like pkg/msg/Name`);
  }
  const [pkg, kind, name] = parts as [string, string, string];
  return `${pkg}::${kind}::dds_::${name}_`;
}

/** `/claudia/speech` -> `rt/claudia/speech` (ROS 2 topic names on DDS carry the `rt` prefix). */
export function rosTopicToDds(name: string): string {
  return `rt${absolute(name)}`;
}

/** `/claudia/llm_query` -> request `rq/claudia/llm_queryRequest`, reply `rr/claudia/llm_queryReply`. */
export function rosServiceToDds(name: string): { request: string; reply: string } {
  const n = absolute(name);
  return { request: `rq${n}Request`, reply: `rr${n}Reply` };
}

/** The inverse of rosTopicToDds for `rt/` names; undefined for other DDS topics. */
export function ddsTopicToRos(topic: string): string | undefined {
  return topic.startsWith('rt/') ? topic.slice(2) : undefined;
}

function absolute(name: string): string {
  if (!name.startsWith('/')) throw new ClaudiaError('E_TRANSPORT', `ROS name '${name}' must be fully resolved (start with /) before mapping to DDS`);
  return name;
}
