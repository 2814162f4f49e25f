import { MSG, type UnitreeRequestMsg, type UnitreeResponseMsg } from '../../src/ros/messages';
import { createMemoryTransport, type MemoryGraph } from '../../src/ros/memory-transport';
import type { Clock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';

/**
 * The Go2's sport service on a memory graph, for benchmarks: records when every Request
 * was published (clock time) and answers after `responseMs` with code 0, nothing for
 * Move (noreply), as the robot does.
 */
export function attachGo2StandIn(graph: MemoryGraph, clock: Clock, opts: { responseMs?: number; topicRequest?: string; topicResponse?: string } = {}) {
  const t = createMemoryTransport({ graph, namespace: '/', clock, logger: createSilentLogger() });
  const seen: Array<{ at: number; apiId: number }> = [];
  const listeners = new Set<(apiId: number, at: number) => void>();
  const responder = t.createPublisher<UnitreeResponseMsg>(MSG.Response, opts.topicResponse ?? '/api/sport/response');
  const responseMs = opts.responseMs ?? 20;
  t.createSubscription<UnitreeRequestMsg>(MSG.Request, opts.topicRequest ?? '/api/sport/request', (req) => {
    const apiId = Number(req.header.identity.api_id);
    const at = clock.now();
    seen.push({ at, apiId });
    for (const l of listeners) l(apiId, at);
    if (req.header.policy.noreply) return;
    clock.setTimeout(() => responder.publish({ header: { identity: { ...req.header.identity }, status: { code: 0 } }, data: '', binary: [] }), responseMs);
  });
  return {
    seen,
    onRequest(l: (apiId: number, at: number) => void): () => void {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close: () => t.close(),
  };
}
