import type { LlmResponseMsg } from '../ros/messages';
import type { UtteranceOutcome } from './expectations';

/** One played utterance: its position among utterances, its text, and its id when SpeechText carried one. */
export interface PlayedUtterance {
  index: number;
  text: string;
  utteranceId?: string;
}

/** What the node published, in order: a sport request (api_id, parameter) or a response. */
export interface ReplayOutput {
  topic: string;
  sport?: { api_id: number; parameter: string };
  response?: LlmResponseMsg;
}

/** Pairs each played utterance with its response: by utterance_id when it had one, else by text, in order. */
export function matchOutcomes(played: readonly PlayedUtterance[], responses: readonly LlmResponseMsg[]): UtteranceOutcome[] {
  const used = new Set<number>();
  const take = (pred: (r: LlmResponseMsg) => boolean) => {
    const i = responses.findIndex((r, k) => !used.has(k) && pred(r));
    if (i < 0) return undefined;
    used.add(i);
    return responses[i];
  };
  const ids = new Set(played.flatMap((p) => (p.utteranceId ? [p.utteranceId] : [])));
  return played.map((p) => {
    const r = p.utteranceId ? take((x) => x.utterance_id === p.utteranceId) : take((x) => x.text === p.text && !ids.has(x.utterance_id));
    return {
      index: p.index,
      text: p.text,
      response: r && {
        actions: r.actions.map((a) => ({ name: a.name, api_id: Number(a.api_id), parameter: a.parameter, verdict: a.verdict })),
        source: r.source,
        reply: r.reply,
        error: r.error,
      },
    };
  });
}

/**
 * What must be equal between two replays of the same bag with the same config: topic, order,
 * api_id, parameter and actions. Ids, stamps and latencies differ by nature and are left out.
 */
export function outputSignature(outputs: readonly ReplayOutput[]): string[] {
  return outputs.map((o) =>
    o.sport
      ? `${o.topic} ${o.sport.api_id} ${o.sport.parameter}`
      : `${o.topic} ${JSON.stringify(o.response?.text)} [${(o.response?.actions ?? []).map((a) => `${a.name}/${a.api_id}/${a.parameter}/${a.verdict}`).join(' ')}]`,
  );
}
