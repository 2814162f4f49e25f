import type { MessageRegistry } from '../cdr';
import { MSG, timeFromNs, type SpeechTextMsg, type StringMsg } from '../ros/messages';
import { ClaudiaError } from '../util/errors';
import { createBagWriter } from './bag-writer';
import { createTypedBagWriter } from './typed-bag';
import type { BagMetadata } from './types';

/** One thing a person says, at a time offset from the start of the conversation. */
export interface ConversationTurn {
  atMs: number;
  text: string;
  /** speech_text (std_msgs/String, the default) or speech (SpeechText with language/confidence). */
  via?: 'speech_text' | 'speech';
  language?: string;
  /** SpeechText only; negative = unscored (default). */
  confidence?: number;
  /** SpeechText only; false = partial ASR result. */
  isFinal?: boolean;
  utteranceId?: string;
}

export interface ConversationBagOptions {
  dir: string;
  turns: readonly ConversationTurn[];
  registry: MessageRegistry;
  topics: { speech_text: string; speech: string };
  /** Wall time of the first turn, ns since epoch. */
  startNs?: bigint;
}

/** Writes a scripted conversation as a Foxy bag of speech messages, as a recogniser would have published it. */
export function writeConversationBag(opts: ConversationBagOptions): BagMetadata {
  const start = opts.startNs ?? 1_764_000_000_000_000_000n;
  const w = createTypedBagWriter({ writer: createBagWriter({ dir: opts.dir }), registry: opts.registry });
  const vias = new Set(opts.turns.map((t) => t.via ?? 'speech_text'));
  if (vias.has('speech_text')) w.addTopic(opts.topics.speech_text, MSG.String);
  if (vias.has('speech')) w.addTopic(opts.topics.speech, MSG.SpeechText);
  opts.turns.forEach((t, i) => {
    if (!(t.atMs >= 0)) throw new ClaudiaError('E_BAD_INPUT', `turn ${i}: atMs must be >= 0`);
    const ns = start + BigInt(Math.round(t.atMs * 1e6));
    if ((t.via ?? 'speech_text') === 'speech_text') {
      w.writeMessage(opts.topics.speech_text, ns, { data: t.text } satisfies StringMsg);
    } else {
      const msg: SpeechTextMsg = {
        stamp: timeFromNs(ns),
        utterance_id: t.utteranceId ?? `u${i}`,
        text: t.text,
        language: t.language ?? '',
        confidence: t.confidence ?? -1,
        is_final: t.isFinal ?? true,
        source: 'conversation-bag',
      };
      w.writeMessage(opts.topics.speech, ns, msg);
    }
  });
  return w.raw.close();
}
