import { MSG, type UnitreeRequestMsg, type UnitreeResponseMsg } from '../../src/ros/messages';
import { createMemoryTransport, type MemoryGraph } from '../../src/ros/memory-transport';
import type { Clock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';

/**
 * A stand-in for the Go2's sport service on a memory graph (the robot cannot be had in
 * tests): records every Request and answers on /api/sport/response as the robot does —
 * nothing for Move with noreply, else the code chosen per api id (default 0).
 */
export function attachGo2Peer(graph: MemoryGraph, clock: Clock, opts: { codeFor?: (apiId: number) => number | undefined } = {}) {
  const t = createMemoryTransport({ graph, namespace: '/', clock, logger: createSilentLogger() });
  const requests: UnitreeRequestMsg[] = [];
  const responder = t.createPublisher<UnitreeResponseMsg>(MSG.Response, '/api/sport/response');
  t.createSubscription<UnitreeRequestMsg>(MSG.Request, '/api/sport/request', (req) => {
    requests.push(req);
    if (req.header.policy.noreply) return;
    const code = opts.codeFor ? opts.codeFor(Number(req.header.identity.api_id)) : 0;
    if (code === undefined) return; // silent robot: the executor's timeout decides
    responder.publish({ header: { identity: { ...req.header.identity }, status: { code } }, data: '', binary: [] });
  });
  return {
    requests,
    apiIds: () => requests.map((r) => Number(r.header.identity.api_id)),
    close: () => t.close(),
  };
}
