import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/types';
import type { HealthReport } from '../monitor/types';
import type { HttpPlugin } from '../monitor/http-server';
import type { Pipeline } from '../pipeline/pipeline';
import type { AnswerRecord, QueryInput } from '../pipeline/types';
import { describeActions } from '../prompt/output-schema';
import type { ActionCatalogue } from '../robot/catalogue';
import type { Logger } from '../util/logger';
import { decisionAnswer, queryAnswer, splitError, stopped, type QueryAnswer } from './answer';
import { readBody, scanText, createStopScanner } from './body';
import { ACTIONS_RESPONSE, ERROR, QUERY_REQUEST, QUERY_RESPONSE, STATUS_RESPONSE, STOP_RESPONSE } from './schemas';
import { streamAnswer, wantsEventStream } from './sse';

export interface HttpApiDeps {
  config: Readonly<Config>;
  pipeline: Pipeline;
  catalogue: ActionCatalogue;
  /** /healthz's report with each component's values. */
  status: () => HealthReport;
  logger: Logger;
}

/** What POST /v1/query's body parser leaves on the request. */
interface BodyState {
  raw: string;
  /** The emergency reflex has already seen this body (it was over the limit). */
  scanned: boolean;
  stop?: AnswerRecord;
}

declare module 'fastify' {
  interface FastifyRequest {
    claudiaBody?: BodyState;
  }
}

type QueryBody = {
  text: string;
  language?: string;
  prompt_type?: string;
  session_id?: string;
  priority?: number;
  dry_run?: boolean;
  timeout_s?: number;
  utterance_id?: string;
};

const FIELDS = Object.keys(QUERY_REQUEST.properties).join(', ');

/** An error the API's error handler turns into `{error, code, message}` with this status. */
function httpError(status: number, message: string, code = 'E_BAD_INPUT'): FastifyError {
  return Object.assign(new Error(message), { statusCode: status, claudiaCode: code }) as unknown as FastifyError;
}

/** Characters of an oversize or refused body shown to the emergency reflex at a time. */
export const STOP_SCAN_WINDOW_CHARS = 1 << 20;

/**
 * The HTTP API: the LlmQuery service for programs that do not speak ROS. One adapter that
 * calls the pipeline and knows nothing of the other ways in. Every request that got past
 * access control is shown to the emergency reflex before anything can refuse it (body
 * limit, content type, malformed JSON, wrong types, rate limit), so a refused request
 * holding a stop word still stops the robot.
 */
export function createHttpApi(deps: HttpApiDeps): HttpPlugin {
  const { config, pipeline } = deps;
  // L0 reads text of any length in linear time: windows only bound what an oversize body holds in memory.
  const windowChars = STOP_SCAN_WINDOW_CHARS;
  const check = (text: string): AnswerRecord | undefined => pipeline.partial({ text, origin: 'http' });
  const motion = { access: 'motion' as const };

  /** L0 over a refused request, once: the parsed fields' strings when it parsed, else the raw body. */
  const scanRefused = (req: FastifyRequest): AnswerRecord | undefined => {
    const st = req.claudiaBody;
    if (!st || st.scanned) return st?.stop;
    st.scanned = true;
    const texts = req.body && typeof req.body === 'object' ? stringLeaves(req.body) : [st.raw];
    for (const t of texts) {
      st.stop = scanText(t, check, windowChars);
      if (st.stop) break;
    }
    return st.stop;
  };

  return async (app: FastifyInstance) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'claudia_llm HTTP API',
          version: '1',
          description: 'The LlmQuery service over HTTP (JSON or server-sent events), the emergency stop, the action catalogue and component status. See docs/http.md.',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'metrics.token; required whenever one is set (motion endpoints read it only from this header)' } } },
      },
      hideUntagged: false,
      // Shared schemas appear under components/schemas by their $id.
      refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    });
    app.addSchema({ $id: 'QueryRequest', ...QUERY_REQUEST });
    app.addSchema({ $id: 'QueryAnswer', ...QUERY_RESPONSE });
    app.addSchema({ $id: 'Error', ...ERROR });
    app.addSchema({ $id: 'StopAnswer', ...STOP_RESPONSE });
    app.addSchema({ $id: 'Actions', ...ACTIONS_RESPONSE });
    app.addSchema({ $id: 'Status', ...STATUS_RESPONSE });
    const ref = (id: string, description: string) => ({ description, $ref: `${id}#` });
    const refused = ref('Error', 'refused: 400 bad body or field, 401 token missing or wrong, 403 foreign Origin or Host, 404/405 route or method, 413 body over http.max_body_bytes, 415 not application/json, 429 rate limit; `stopped` says whether the emergency reflex fired on it');
    const security: Array<Record<string, string[]>> = [{}, { bearer: [] }];

    app.get('/openapi.json', { schema: { hide: true } }, async (_req, reply) => reply.type('application/json; charset=utf-8').send(app.swagger()));

    app.get('/v1/actions', { schema: { summary: 'The action catalogue as the LLM sees it', security, response: { 200: ref('Actions', 'enabled actions, in catalogue order'), '4xx': refused } } }, async () => ({
      catalogue_hash: deps.catalogue.hash,
      high_risk_enabled: config.safety.enable_high_risk,
      prompt: describeActions(deps.catalogue),
      actions: deps.catalogue.names().map((name) => {
        const a = deps.catalogue.byName(name);
        if (!a) throw new Error(`catalogue lost ${name}`);
        return { name, api_id: a.apiId, kind: a.kind, risk: a.risk, requires_standing: a.requiresStanding, params: a.params, description: a.replies.en };
      }),
    }));

    app.get('/v1/status', { schema: { summary: 'Component statuses of /healthz, with each component\'s values', security, response: { 200: ref('Status', 'always 200; `status` says ok, degraded or error (where /healthz answers 503)'), '4xx': refused } } }, async () => {
      const s = deps.status();
      return { ...s, components: s.components.map((c) => ({ ...c, values: c.values ?? {} })) };
    });

    // The stop: published in onRequest, right after access, before any body is looked at.
    await app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_req, payload, done) => {
        payload.resume();
        done(null, undefined);
      });
      scope.post(
        '/v1/stop',
        {
          config: motion,
          schema: {
            summary: 'Emergency stop: StopMove now, like a stop word (no body, any content type, never rate-limited or de-duplicated)',
            security,
            response: { 200: ref('StopAnswer', 'StopMove was handed to the transport before this answer was written'), '4xx': refused },
          },
          onRequest: async (req) => {
            (req as FastifyRequest & { stopRecord?: AnswerRecord }).stopRecord = pipeline.stop({ origin: 'http', text: 'POST /v1/stop' });
          },
        },
        async (req) => {
          const rec = (req as FastifyRequest & { stopRecord?: AnswerRecord }).stopRecord as AnswerRecord;
          return { stopped: true, request_id: rec.requestId, latency_ms: Math.round(rec.firstEffectMs * 1000) / 1000 };
        },
      );
    });

    await app.register(async (scope) => {
      await scope.register(rateLimit, {
        global: false,
        // After the body is parsed, so the emergency reflex sees it before a 429.
        hook: 'preHandler',
        errorResponseBuilder: (_req, ctx) =>
          httpError(429, `more than ${ctx.max} queries in ${config.http.rate_limit_window_s} s from this client; retry in ${ctx.after} (http.rate_limit_max; POST /v1/stop is never limited)`, 'E_QUEUE_FULL'),
      });
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', async (req: FastifyRequest, payload: NodeJS.ReadableStream) => {
        const limit = config.http.max_body_bytes;
        const body = await readBody(payload as import('node:stream').Readable, limit, () => createStopScanner(check, windowChars));
        req.claudiaBody = { raw: body.text, scanned: body.oversize, stop: body.stop };
        if (body.oversize) {
          throw httpError(413, `the body is over ${limit} bytes (http.max_body_bytes): send a shorter text`);
        }
        if (!isJson(req.headers['content-type'])) return undefined;
        if (body.text.trim() === '') throw httpError(400, `the body is empty; send a JSON object such as {"text": "座って"}`);
        try {
          return JSON.parse(body.text) as unknown;
        } catch (err) {
          throw httpError(400, `the body is not valid JSON (${(err as Error).message}); send a JSON object such as {"text": "座って"}`);
        }
      });
      scope.addHook('preValidation', async (req) => {
        if (!isJson(req.headers['content-type'])) {
          throw httpError(415, `Content-Type must be application/json (got ${JSON.stringify(String(req.headers['content-type'] ?? 'none').slice(0, 80))}); send a JSON body`);
        }
      });
      scope.setErrorHandler((err: FastifyError, req, reply) => {
        const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
        const stop = status < 500 ? scanRefused(req) : undefined;
        // The rest of an oversize body is not read: the connection cannot be reused.
        if (status === 413) reply.header('Connection', 'close');
        if (status >= 500) deps.logger.warn('http query failed', { error: err.message });
        const message = err.validation ? validationMessage(err) : status >= 500 ? 'internal error; see the node log' : err.message;
        const code = (err as { claudiaCode?: string }).claudiaCode ?? (status >= 500 ? 'E_INTERNAL' : 'E_BAD_INPUT');
        return refuse(reply, status, code, message, !!stop);
      });
      scope.post(
        '/v1/query',
        {
          config: { ...motion, rateLimit: { max: config.http.rate_limit_max, timeWindow: Math.round(config.http.rate_limit_window_s * 1000) } },
          schema: {
            summary: 'One utterance through the pipeline, answered like the LlmQuery service; with Accept: text/event-stream as server-sent events',
            security,
            body: ref('QueryRequest', 'application/json'),
            response: {
              200: ref(
                'QueryAnswer',
                'application/json: the answer (at decision or completion, as service.reply_at). With Accept: text/event-stream instead: events deciding, decided, executing (data: request_id, utterance_id, actions, reply, and from executing on source, language), reply (delta, replaced) and done (this object plus utterance_id, published_api_ids, robot_codes)',
              ),
              '4xx': refused,
            },
          },
        },
        async (req, reply) => {
          const input = queryInput(req.body as QueryBody);
          if (wantsEventStream(req.headers.accept)) return streamAnswer(reply, pipeline, input);
          const out = await answerLikeTheService(input, reply);
          if (out.rec?.error && splitError(out.rec.error).code === 'E_BAD_INPUT') {
            const { code, message } = splitError(out.rec.error);
            // The pipeline's own L0 saw the text; the window scan covers whatever it did not.
            return refuse(reply, 400, code, message, stopped(out.rec) || !!scanRefused(req));
          }
          return out.answer;
        },
      );
    });
  };

  /**
   * Answers when the LlmQuery service would (`service.reply_at`): at decision, when the plan
   * goes to the executor, or at completion. A decision that finishes at once (nothing to
   * execute, a failure) is answered with its final record. A client that leaves before the
   * answer cancels the request.
   */
  function answerLikeTheService(input: QueryInput, reply: FastifyReply): Promise<{ answer: QueryAnswer; rec?: AnswerRecord }> {
    const t0 = performance.now();
    const cancel = new AbortController();
    const onClose = () => {
      if (!reply.raw.writableEnded) cancel.abort();
    };
    reply.raw.once('close', onClose);
    return new Promise((resolve) => {
      let answered = false;
      const answer = (out: { answer: QueryAnswer; rec?: AnswerRecord }) => {
        if (answered) return;
        answered = true;
        reply.raw.off('close', onClose);
        resolve(out);
      };
      const atDecision = config.service.reply_at === 'decision';
      pipeline
        .handle(input, {
          signal: cancel.signal,
          onEvent: (e) => {
            if (!atDecision || e.type !== 'stage' || e.stage !== 'executing') return;
            const early = decisionAnswer(e, performance.now() - t0);
            setImmediate(() => answer({ answer: early }));
          },
        })
        .then((rec) => answer({ answer: queryAnswer(rec), rec }));
    });
  }

  function refuse(reply: FastifyReply, status: number, code: string, message: string, stop: boolean): FastifyReply {
    reply.code(status);
    return reply.type('application/json; charset=utf-8').send({ error: `${code}: ${message}`, code, message, stopped: stop });
  }
}

function queryInput(b: QueryBody): QueryInput {
  return {
    text: b.text,
    origin: 'http',
    language: b.language,
    promptType: b.prompt_type,
    sessionId: b.session_id,
    priority: b.priority,
    dryRun: b.dry_run,
    timeoutS: b.timeout_s,
    utteranceId: b.utterance_id || undefined,
  };
}

function isJson(contentType: string | undefined): boolean {
  return typeof contentType === 'string' && contentType.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/** Every string inside a parsed body (bounded depth and count), for the emergency reflex. */
function stringLeaves(v: unknown, out: string[] = [], depth = 0): string[] {
  if (out.length > 1000 || depth > 8) return out;
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringLeaves(x, out, depth + 1);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) stringLeaves(x, out, depth + 1);
  return out;
}

/** Ajv's first complaint as a sentence about the field and what it must be. */
function validationMessage(err: FastifyError): string {
  const v = err.validation?.[0];
  if (!v) return err.message;
  const field = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const params = v.params as Record<string, unknown>;
  if (v.keyword === 'additionalProperties') return `unknown field '${String(params.additionalProperty)}'; the fields are ${FIELDS}`;
  if (v.keyword === 'required') return `field '${String(params.missingProperty)}' is required, e.g. {"text": "座って"}`;
  if (v.keyword === 'enum') return `field '${field}' must be one of ${(params.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(', ')}`;
  if (!field) return `the body must be a JSON object such as {"text": "座って"} (${v.message ?? 'wrong type'})`;
  return `field '${field}' ${v.message ?? 'is invalid'}`;
}

