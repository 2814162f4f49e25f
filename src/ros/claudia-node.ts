import type { Config } from '../config/types';
import type { Pipeline } from '../pipeline/pipeline';
import type { AnswerRecord, QueryInput, StageEvent } from '../pipeline/types';
import { asClaudiaError } from '../util/errors';
import type { Logger } from '../util/logger';
import type { Telemetry } from '../util/telemetry';
import { errorResult, feedbackFromEvent, goalEndOf, queryInputFromGoal, resultFromRecord } from './command-action-codec';
import { actionsToMsg, errorResponse, llmResponseFromRecord, queryInputFromRequest, responseFromRecord } from './llm-query-codec';
import {
  MSG,
  timeFromNs,
  type DiagnosticArrayMsg,
  type CommandFeedbackMsg,
  type CommandGoalMsg,
  type CommandResultMsg,
  type LlmQueryRequestMsg,
  type LlmQueryResponseMsg,
  type LlmResponseMsg,
  type SpeechTextMsg,
  type StringMsg,
  type UnitreeRequestMsg,
  type UnitreeResponseMsg,
} from './messages';
import type { Publisher, RosTransport } from './types';

/** The LlmQuery response at decision (service.reply_at decision): `success` then means accepted, not yet executed. */
function responseAtDecision(e: Extract<StageEvent, { stage: 'executing' }>, latencyMs: number): LlmQueryResponseMsg {
  return { success: e.error === '', reply: e.reply, language: e.language, actions: actionsToMsg(e), source: e.source, latency_ms: latencyMs, error: e.error };
}

export interface ClaudiaNodeDeps {
  config: Readonly<Config>;
  transport: RosTransport;
  pipeline: Pipeline;
  logger: Logger;
  /** Command goals by final status go to metrics through it. */
  telemetry?: Telemetry;
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
 * Binds the pipeline to ROS names: the speech topics, the LlmQuery service and the Command
 * action in, the response topic out. Knows only the RosTransport interface, so every transport gets the
 * same node.
 */
export function createClaudiaNode(deps: ClaudiaNodeDeps): ClaudiaNode {
  const { config, transport, pipeline, logger } = deps;
  const t = config.topics;
  const responsePub = transport.createPublisher<LlmResponseMsg>(MSG.LlmResponse, t.response);
  const sportRequest = transport.createPublisher<UnitreeRequestMsg>(MSG.Request, t.sport_request);
  const diagnostics = transport.createPublisher<DiagnosticArrayMsg>(MSG.DiagnosticArray, t.diagnostics);
  // A repeat of an utterance (the other speech topic, a replayed id) gets the same record
  // object from the pipeline's utterance gate: it went out once. Held weakly, so the set is
  // bounded by what the gate still remembers, not by a count.
  const published = new WeakSet<AnswerRecord>();

  const publishAnswer = (rec: AnswerRecord) => {
    if (published.has(rec)) return;
    published.add(rec);
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
    let input: QueryInput;
    try {
      input = queryInputFromRequest(req);
    } catch (err) {
      const e = asClaudiaError(err, 'E_BAD_INPUT');
      logger.warn('refused LlmQuery request', { error: e.toField() });
      return errorResponse(e.toField());
    }
    if (config.service.reply_at === 'completion') {
      const rec = await pipeline.handle(input);
      publishAnswer(rec);
      return responseFromRecord(rec);
    }
    // reply_at decision: answer once the decision is complete and the plan is with the
    // executor; the final record still goes out on the response topic.
    const t0 = transport.clock.now();
    return new Promise<LlmQueryResponseMsg>((resolve) => {
      let answered = false;
      const answer = (res: LlmQueryResponseMsg) => {
        if (answered) return;
        answered = true;
        resolve(res);
      };
      pipeline
        .handle(input, { onEvent: (e) => (e.type === 'stage' && e.stage === 'executing' ? answer(responseAtDecision(e, transport.clock.now() - t0)) : undefined) })
        .then((rec) => {
          publishAnswer(rec);
          answer(responseFromRecord(rec));
        }, (err: unknown) => answer(errorResponse(asClaudiaError(err).toField())));
    });
  });

  // The Command action: feedback at every stage and as the reply streams; the result is the final record.
  const action = transport.createActionServer<CommandGoalMsg, CommandResultMsg, CommandFeedbackMsg>(MSG.Command, t.command, async (goal) => {
    let input: QueryInput;
    try {
      input = queryInputFromGoal(goal.goal);
    } catch (err) {
      const e = asClaudiaError(err, 'E_BAD_INPUT');
      logger.warn('refused Command goal', { error: e.toField() });
      return { status: 'succeeded', result: errorResult(e.toField()) };
    }
    let stage = 'deciding';
    const rec = await pipeline.handle(input, {
      signal: goal.cancelSignal,
      onEvent: (e) => {
        if (e.type === 'stage') stage = e.stage;
        goal.publishFeedback(feedbackFromEvent(e, stage));
      },
    });
    publishAnswer(rec);
    const end = goalEndOf(rec, goal.cancelSignal.aborted);
    deps.telemetry?.emit({ type: 'goal', status: end });
    return { status: end, result: resultFromRecord(rec) };
  });

  return {
    sportRequest,
    diagnostics,
    async close() {
      for (const s of subs) s.close();
      service.close();
      action.close();
    },

  };
}
