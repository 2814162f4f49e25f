import { decodeServiceFrame, encodeServiceFrame, rosServiceToDds, type ServiceHeader } from '../cdr';
import { AbortedError, ClaudiaError } from '../util/errors';
import type { DdsContext } from './dds-transport';
import type { ServiceClient } from './types';

/**
 * A ROS 2 service server as rmw_cyclonedds shapes it: requests on `rq/<name>Request`, replies
 * on `rr/<name>Reply`, each prefixed by the 16-byte request header, which the reply echoes so
 * the caller can match it. The reply is written after the async handler completes.
 */
export function createDdsService<Req, Res>(ctx: DdsContext, type: string, name: string, handler: (req: Req) => Promise<Res>) {
  const svc = ctx.reg.service(type);
  const names = rosServiceToDds(name);
  let closed = false;
  const writer = ctx.writer(names.reply, svc.response, undefined);
  const reader = ctx.reader(names.request, svc.request, undefined, (bytes) => {
    let frame: { header: ServiceHeader; msg: Req };
    try {
      frame = decodeServiceFrame<Req>(ctx.reg, svc.request, bytes);
    } catch (err) {
      ctx.logger.warn('dropped an undecodable service request', { service: name, error: (err as Error).message });
      return;
    }
    void answer(frame.header, frame.msg);
  });

  async function answer(header: ServiceHeader, req: Req): Promise<void> {
    let res: Res;
    try {
      res = await handler(req);
    } catch (err) {
      // As in rclcpp/rclpy: a failing handler sends no reply; the caller's timeout reports it.
      ctx.logger.error('service handler failed; no reply sent', { service: name, error: String(err) });
      return;
    }
    if (closed || ctx.closed()) return;
    try {
      ctx.addon.write(writer, encodeServiceFrame(ctx.reg, svc.response, header, res));
    } catch (err) {
      ctx.logger.error('service reply could not be sent', { service: name, error: (err as Error).message });
    }
  }

  return {
    name,
    close() {
      if (closed) return;
      closed = true;
      ctx.release(reader);
      ctx.release(writer);
    },
  };
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

/** How long a call waits for the service to be discovered when it has no timeout of its own. */
const DISCOVERY_WAIT_MS = 10_000;

/**
 * A service client: the header's GUID field is the request writer's instance handle (as
 * rmw_cyclonedds uses), the sequence number counts up from 1, and only replies carrying both
 * are accepted.
 */
export function createDdsClient<Req, Res>(ctx: DdsContext, type: string, name: string): ServiceClient<Req, Res> & { close(): void } {
  const svc = ctx.reg.service(type);
  const names = rosServiceToDds(name);
  const pending = new Map<bigint, Pending>();
  let seq = 0n;
  let closed = false;
  const writer = ctx.writer(names.request, svc.request, undefined);
  const guid = ctx.addon.instanceHandle(writer);
  const reader = ctx.reader(names.reply, svc.response, undefined, (bytes) => {
    let frame: { header: ServiceHeader; msg: Res };
    try {
      frame = decodeServiceFrame<Res>(ctx.reg, svc.response, bytes);
    } catch (err) {
      ctx.logger.warn('dropped an undecodable service reply', { service: name, error: (err as Error).message });
      return;
    }
    if (frame.header.guid !== guid) return; // another client's reply
    const p = pending.get(frame.header.seq);
    if (p) p.resolve(frame.msg);
  });

  const available = () => ctx.addon.publicationMatched(writer) > 0 && ctx.addon.subscriptionMatched(reader) > 0;

  async function waitForService(deadline: number, signal?: AbortSignal): Promise<void> {
    // Bounded poll: discovery of the server's endpoints, at most until the deadline.
    while (!available()) {
      if (closed) throw new AbortedError(`client for ${name} closed`);
      signal?.throwIfAborted();
      if (ctx.clock.now() >= deadline) throw new ClaudiaError('E_TRANSPORT', `service ${name} is not available (no server discovered on ${names.request})`);
      await ctx.clock.sleep(10, signal);
    }
  }

  return {
    name,
    async call(req: Req, o?: { timeoutMs?: number; signal?: AbortSignal }): Promise<Res> {
      if (closed) throw new AbortedError(`client for ${name} closed`);
      const start = ctx.clock.now();
      await waitForService(start + (o?.timeoutMs ?? DISCOVERY_WAIT_MS), o?.signal);
      seq += 1n;
      const mySeq = seq;
      const bytes = encodeServiceFrame(ctx.reg, svc.request, { guid, seq: mySeq }, req);
      return new Promise<Res>((resolve, reject) => {
        let timer: ReturnType<typeof ctx.clock.setTimeout> | undefined;
        const onAbort = () => done(undefined, new AbortedError(`call to ${name} aborted`));
        const done = (v: unknown, e?: unknown) => {
          pending.delete(mySeq);
          ctx.clock.clearTimeout(timer);
          o?.signal?.removeEventListener('abort', onAbort);
          if (e) reject(e);
          else resolve(v as Res);
        };
        pending.set(mySeq, { resolve: (v) => done(v), reject: (e) => done(undefined, e) });
        if (o?.timeoutMs !== undefined) {
          const left = Math.max(0, o.timeoutMs - (ctx.clock.now() - start));
          timer = ctx.clock.setTimeout(() => done(undefined, new ClaudiaError('E_TRANSPORT', `service ${name} did not answer within ${o.timeoutMs} ms`)), left);
        }
        o?.signal?.addEventListener('abort', onAbort, { once: true });
        try {
          ctx.addon.write(writer, bytes);
        } catch (err) {
          done(undefined, new ClaudiaError('E_TRANSPORT', `sending the request to ${name} failed: ${(err as Error).message}`, { cause: err }));
        }
      });
    },
    close() {
      if (closed) return;
      closed = true;
      for (const p of [...pending.values()]) p.reject(new AbortedError(`client for ${name} closed`));
      pending.clear();
      ctx.release(reader);
      ctx.release(writer);
    },
  };
}
