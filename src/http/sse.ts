import type { FastifyReply } from 'fastify';
import type { Pipeline } from '../pipeline/pipeline';
import type { PipelineEvent, QueryInput } from '../pipeline/types';
import { doneRecord } from './answer';

export function wantsEventStream(accept: string | undefined): boolean {
  return typeof accept === 'string' && /(^|[\s,])text\/event-stream\b/i.test(accept);
}

/** A comment line now and then keeps proxies from closing a stream that waits for a slow LLM. */
const HEARTBEAT_MS = 15_000;

/**
 * The answer as server-sent events, named after the stages of the Command action's feedback:
 * `deciding`, `decided` (verdicts), `executing` (decision complete, plan with the executor),
 * `done` (the final record: what was actually published, with the robot's codes), plus
 * `reply` events carrying the reply's deltas as the LLM streams it. A client that goes away
 * cancels the request: its unpublished steps are dropped and its motion ends with StopMove.
 */
export async function streamAnswer(reply: FastifyReply, pipeline: Pipeline, input: QueryInput): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    // Proxies (nginx) must pass events on as they come.
    'X-Accel-Buffering': 'no',
  });
  const cancel = new AbortController();
  const onClose = () => {
    if (!res.writableEnded) cancel.abort();
  };
  res.once('close', onClose);
  const send = (event: string, data: unknown) => {
    if (!res.writableEnded && !res.destroyed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const heartbeat = setInterval(() => {
    if (!res.writableEnded && !res.destroyed) res.write(': waiting\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();
  try {
    await pipeline.handle(input, { signal: cancel.signal, onEvent: (e) => sendEvent(send, e) });
  } finally {
    clearInterval(heartbeat);
    res.off('close', onClose);
    if (!res.writableEnded) res.end();
  }
}

function sendEvent(send: (event: string, data: unknown) => void, e: PipelineEvent): void {
  const ids = { request_id: e.requestId, utterance_id: e.utteranceId };
  if (e.type === 'reply') return send('reply', { ...ids, delta: e.delta, replaced: e.replaced });
  if (e.stage === 'done') return send('done', doneRecord(e.record));
  send(e.stage, {
    ...ids,
    actions: e.actions.map((a) => ({ name: a.name, api_id: a.api_id, parameter: a.parameter, verdict: a.verdict })),
    reply: e.reply,
    ...(e.stage === 'executing' ? { source: e.source, language: e.language } : {}),
  });
}
