import type { Config } from '../config/types';
import type { Pipeline } from '../pipeline/pipeline';
import type { AnswerRecord } from '../pipeline/types';
import { asClaudiaError } from '../util/errors';
import type { Logger } from '../util/logger';
import { errorResponse, llmResponseFromRecord, queryInputFromRequest, responseFromRecord } from './llm-query-codec';
import {
  MSG,
  timeFromNs,
  type DiagnosticArrayMsg,
  type LlmQueryRequestMsg,
  type LlmQueryResponseMsg,
  type LlmResponseMsg,
  type SpeechTextMsg,
  type StringMsg,
  type UnitreeRequestMsg,
  type UnitreeResponseMsg,
} from './messages';
import type { Publisher, RosTransport } from './types';

export interface ClaudiaNodeDeps {
  config: Readonly<Config>;
  transport: RosTransport;
  pipeline: Pipeline;
  logger: Logger;
  /** Robot feedback consumers (motion executor, robot state). */
  onSportResponse?: (msg: UnitreeResponseMsg) => void;
  onSportModeState?: (msg: unknown) => void;
  onBatteryPercent?: (percent: number) => void;
}

export interface ClaudiaNode {
  /** Publisher the motion executor sends Unitree requests through. */
  readonly sportRequest: Publisher<UnitreeRequestMsg>;
  readonly diagnostics: Publisher<DiagnosticArrayMsg>;
  close(): Promise<void>;
}

/**
 * Binds the pipeline to ROS names: the speech topics and the LlmQuery service in, the
 * response topic out. Knows only the RosTransport interface, so every transport gets the
 * same node.
 */
export function createClaudiaNode(deps: ClaudiaNodeDeps): ClaudiaNode {
  const { config, transport, pipeline, logger } = deps;
  const t = config.topics;
  const responsePub = transport.createPublisher<LlmResponseMsg>(MSG.LlmResponse, t.response);
  const sportRequest = transport.createPublisher<UnitreeRequestMsg>(MSG.Request, t.sport_request);
  const diagnostics = transport.createPublisher<DiagnosticArrayMsg>(MSG.DiagnosticArray, t.diagnostics);
  const published = new Set<string>();

  const publishAnswer = (rec: AnswerRecord) => {
    if (published.has(rec.requestId)) return; // the second topic of one utterance gets the same record
    published.add(rec.requestId);
    if (published.size > 1024) published.delete(published.values().next().value as string);
    try {
      responsePub.publish(llmResponseFromRecord(rec, timeFromNs(transport.clock.wallNs())));
    } catch (err) {
      logger.error('publishing the response failed', { error: asClaudiaError(err, 'E_TRANSPORT').toField() });
    }
  };

  const handle = (input: Parameters<Pipeline['handle']>[0]) => {
    pipeline.handle(input).then(publishAnswer, (err) => logger.error('pipeline rejected', { error: String(err) }));
  };

  const subs = [
    transport.createSubscription<StringMsg>(MSG.String, t.speech_text, (msg) => {
      handle({ text: msg?.data, origin: 'speech_text' });
    }),
    transport.createSubscription<SpeechTextMsg>(MSG.SpeechText, t.speech, (msg) => {
      const input = {
        text: msg?.text,
        origin: 'speech' as const,
        language: msg?.language,
        utteranceId: msg?.utterance_id || undefined,
        confidence: typeof msg?.confidence === 'number' ? msg.confidence : -1,
        isFinal: msg?.is_final !== false,
      };
      if (input.isFinal) handle(input);
      else {
        const rec = pipeline.partial(input);
        if (rec) publishAnswer(rec);
      }
    }),
    transport.createSubscription<UnitreeResponseMsg>(MSG.Response, t.sport_response, (msg) => deps.onSportResponse?.(msg)),
  ];
  if (t.sport_state) subs.push(transport.createSubscription(MSG.SportModeState, t.sport_state, (msg) => deps.onSportModeState?.(msg)));
  if (t.battery && t.battery_type) {
    subs.push(
      transport.createSubscription<{ percentage?: number }>(t.battery_type, t.battery, (msg) => {
        if (typeof msg?.percentage === 'number' && Number.isFinite(msg.percentage)) deps.onBatteryPercent?.(msg.percentage * 100);
      }),
    );
  }

  const service = transport.createService<LlmQueryRequestMsg, LlmQueryResponseMsg>(MSG.LlmQuery, t.llm_query, async (req) => {
    try {
      const rec = await pipeline.handle(queryInputFromRequest(req));
      publishAnswer(rec);
      return responseFromRecord(rec);
    } catch (err) {
      const e = asClaudiaError(err, 'E_BAD_INPUT');
      logger.warn('refused LlmQuery request', { error: e.toField() });
      return errorResponse(e.toField());
    }
  });

  return {
    sportRequest,
    diagnostics,
    async close() {
      for (const s of subs) s.close();
      service.close();
    },
  };
}
