import type { MessageRegistry } from '../cdr';
import type { RosTransport, Subscription } from '../ros/types';
import type { Clock } from '../util/clock';
import { asClaudiaError } from '../util/errors';
import type { Logger } from '../util/logger';
import type { TypedBagWriter } from './typed-bag';

export interface RecordTopic {
  name: string;
  type: string;
}

export interface TopicRecorder {
  /** Messages written so far, per topic. */
  counts(): Map<string, number>;
  /** Unsubscribes; the caller closes the writer (which writes metadata.yaml). */
  stop(): void;
}

/**
 * Records topics from any RosTransport into a bag: subscribes to each, re-encodes the message
 * with the project's codec and stamps it with the receive time, as `ros2 bag record` does.
 * A message that fails to encode is logged and skipped, never fatal: a recorder must not stop
 * because one publisher sent something odd.
 */
export function createTopicRecorder(deps: {
  transport: RosTransport;
  registry: MessageRegistry;
  writer: TypedBagWriter;
  topics: readonly RecordTopic[];
  clock: Clock;
  logger: Logger;
}): TopicRecorder {
  const counts = new Map<string, number>();
  const subs: Subscription[] = [];
  for (const t of deps.topics) {
    deps.writer.addTopic(t.name, t.type);
    counts.set(t.name, 0);
    subs.push(
      deps.transport.createSubscription<unknown>(t.type, t.name, (msg) => {
        try {
          deps.writer.writeMessage(t.name, deps.clock.wallNs(), msg);
          counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
        } catch (err) {
          deps.logger.warn('recorder skipped a message', { topic: t.name, error: asClaudiaError(err, 'E_BAG').toField() });
        }
      }),
    );
  }
  return {
    counts: () => new Map(counts),
    stop() {
      for (const s of subs.splice(0)) s.close();
    },
  };
}
