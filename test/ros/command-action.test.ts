import { expect } from 'chai';
import { createActionClient, type ActionClient } from '../../src/ros/action-client';
import { ACTION_MSGS, CANCEL_RETURN, GOAL_STATUS } from '../../src/ros/action-names';
import { createActionServerOver } from '../../src/ros/action-server';
import { createMemoryTransport, MemoryGraph } from '../../src/ros/memory-transport';
import { MSG, type CancelGoalRequestMsg, type CancelGoalResponseMsg, type CommandFeedbackMsg, type CommandGoalMsg, type CommandResultMsg, type GoalStatusArrayMsg, type LlmQueryRequestMsg, type LlmQueryResponseMsg, type StringMsg } from '../../src/ros/messages';
import { createSystemClock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';
import { startHarness, waitFor, type Harness } from '../helpers/app-harness';

type Client = ActionClient<CommandGoalMsg, CommandResultMsg, CommandFeedbackMsg>;
const goal = (text: string, over: Partial<CommandGoalMsg> = {}): CommandGoalMsg => ({
  text, language: '', prompt_type: '', session_id: '', utterance_id: '', confidence: 0.9, priority: 0, dry_run: false, timeout_s: 0, ...over,
});
const statusesOf = (arrays: GoalStatusArrayMsg[], id: Uint8Array) =>
  arrays.map((a) => a.status_list.find((s) => Buffer.from(Uint8Array.from(s.goal_info.goal_id.uuid)).equals(Buffer.from(id)))?.status).filter((s) => s !== undefined);

describe('ROS 2 action claudia_llm/action/Command on the memory transport (the whole node)', () => {
  let h: Harness | undefined;
  let client: Client;
  const status: GoalStatusArrayMsg[] = [];

  async function start(config: Parameters<typeof startHarness>[0] = {}) {
    h = await startHarness({ withLlm: false, ...config, config: { robot: { initial_posture: 'standing' }, ...config.config } });
    client = createActionClient(h.peer, MSG.Command, '/claudia/command');
    status.length = 0;
    client.onStatus((s) => status.push(s));
  }
  afterEach(async () => {
    client?.close();
    await h?.close();
    h = undefined;
  });

  it('a goal: feedback deciding -> decided -> executing -> done, result SUCCEEDED with the final verdicts', async () => {
    await start();
    const feedback: CommandFeedbackMsg[] = [];
    const g = await client.sendGoal(goal('座って', { utterance_id: 'a-1' }), { onFeedback: (f) => feedback.push(f) });
    expect(g.accepted).to.equal(true);
    const { status: st, result } = await g.result;
    expect(st).to.equal(GOAL_STATUS.SUCCEEDED);
    expect(result.success).to.equal(true);
    expect(result.reply).to.equal('座ります。');
    expect(result.actions.map((a) => [a.name, a.verdict])).to.deep.equal([['sit', 'ok']]);
    expect(result.source).to.equal('reflex');
    expect(result.first_effect_ms).to.be.at.least(0).and.at.most(result.latency_ms);
    const stages = feedback.map((f) => f.stage).filter((s, i, all) => s !== all[i - 1]);
    expect(stages).to.deep.equal(['deciding', 'decided', 'executing', 'done']);
    expect(feedback.find((f) => f.stage === 'decided')?.actions.map((a) => a.verdict)).to.deep.equal(['ok']);
    expect(h!.go2.apiIds()).to.deep.equal([1009]);
    await waitFor(() => statusesOf(status, g.goalId).includes(GOAL_STATUS.SUCCEEDED), 'status SUCCEEDED');
    expect(statusesOf(status, g.goalId)).to.deep.equal([GOAL_STATUS.EXECUTING, GOAL_STATUS.SUCCEEDED]);
    // The response topic carries the same final record.
    await waitFor(() => h!.responses.some((r) => r.utterance_id === 'a-1'), 'the response topic');
  });

  it('cancel during a walk: CANCELING then CANCELED, StopMove, the walk dropped:canceled', async () => {
    await start();
    const g = await client.sendGoal(goal('walk forward for 3 seconds'));
    await waitFor(() => h!.go2.apiIds().filter((a) => a === 1008).length >= 2, 'the walk to start');
    const reply = await g.cancel();
    expect(reply.return_code).to.equal(0);
    expect(reply.goals_canceling.map((i) => Buffer.from(Uint8Array.from(i.goal_id.uuid)).toString('hex'))).to.deep.equal([Buffer.from(g.goalId).toString('hex')]);
    const { status: st, result } = await g.result;
    expect(st).to.equal(GOAL_STATUS.CANCELED);
    expect(result.actions.map((a) => a.verdict)).to.deep.equal(['dropped:canceled']);
    expect(result.error).to.match(/^E_CANCELED/);
    expect(h!.go2.apiIds().at(-1)).to.equal(1003);
    await waitFor(() => statusesOf(status, g.goalId).includes(GOAL_STATUS.CANCELED), 'status CANCELED');
    expect(statusesOf(status, g.goalId)).to.deep.equal([GOAL_STATUS.EXECUTING, GOAL_STATUS.CANCELING, GOAL_STATUS.CANCELED]);
    // A second cancel of a finished goal is refused with ERROR_GOAL_TERMINATED.
    expect((await g.cancel()).return_code).to.equal(3);
  });

  it('a stop word on a speech topic aborts a running goal (ABORTED, dropped:superseded_by_stop)', async () => {
    await start();
    const g = await client.sendGoal(goal('walk forward for 3 seconds'));
    await waitFor(() => h!.go2.apiIds().includes(1008), 'the walk to start');
    const speech = h!.peer.createPublisher<StringMsg>(MSG.String, '/claudia/speech_text');
    speech.publish({ data: '止まって' });
    const { status: st, result } = await g.result;
    expect(st).to.equal(GOAL_STATUS.ABORTED);
    expect(result.actions.map((a) => a.verdict)).to.deep.equal(['dropped:superseded_by_stop']);
  });

  it('two goals at once: the newer command supersedes the older (ABORTED), the newer SUCCEEDS; both are in the status array', async () => {
    await start();
    const a = await client.sendGoal(goal('walk forward for 3 seconds'));
    await waitFor(() => h!.go2.apiIds().includes(1008), 'the walk to start');
    const b = await client.sendGoal(goal('turn left 20 degrees'));
    const [ra, rb] = await Promise.all([a.result, b.result]);
    expect(ra.status).to.equal(GOAL_STATUS.ABORTED);
    expect(ra.result.actions.map((x) => x.verdict)).to.deep.equal(['dropped:superseded']);
    expect(ra.result.error).to.match(/^E_SUPERSEDED: superseded by request r-/);
    expect(rb.status).to.equal(GOAL_STATUS.SUCCEEDED);
    await waitFor(() => status.some((s) => s.status_list.length === 2 && s.status_list.every((x) => x.status >= GOAL_STATUS.SUCCEEDED)), 'both goals finished in one status array');
  });

  it('the same command twice at once: one motion, the second goal SUCCEEDS with dropped:already_running', async () => {
    await start({ codeFor: (api) => (api === 1022 ? undefined : 0), config: { robot: { initial_posture: 'standing', response_timeout_s: 1 } } });
    const a = await client.sendGoal(goal('dance'));
    await waitFor(() => h!.go2.apiIds().includes(1022), 'the dance to start');
    const b = await client.sendGoal(goal('dance'));
    const rb = await b.result;
    expect(rb.status).to.equal(GOAL_STATUS.SUCCEEDED);
    expect(rb.result.actions.map((x) => x.verdict)).to.deep.equal(['dropped:already_running']);
    expect(statusesOf(status, a.goalId).at(-1)).to.equal(GOAL_STATUS.EXECUTING); // the first still dances (the robot has not answered)
    expect(h!.go2.apiIds().filter((x) => x === 1022)).to.have.length(1);
  });

  it('a dry-run goal SUCCEEDS with the verdicts and publishes nothing', async () => {
    await start();
    const g = await client.sendGoal(goal('座って', { dry_run: true }));
    const { status: st, result } = await g.result;
    expect(st).to.equal(GOAL_STATUS.SUCCEEDED);
    expect(result.actions.map((a) => a.verdict)).to.deep.equal(['ok']);
    expect(h!.go2.apiIds()).to.deep.equal([]);
  });

  it('LlmQuery answers at decision (default): before the walk ends; the response topic gets the final record', async () => {
    await start();
    const svc = h!.peer.createClient<LlmQueryRequestMsg, LlmQueryResponseMsg>(MSG.LlmQuery, '/claudia/llm_query');
    const res = await svc.call({ text: 'walk forward for 1 second', language: '', prompt_type: '', session_id: '', priority: 0, dry_run: false, timeout_s: 0 });
    expect(res.success).to.equal(true);
    expect(res.actions.map((a) => [a.name, a.verdict])).to.deep.equal([['forward', 'ok']]);
    expect(h!.go2.apiIds()).to.not.include(1003); // still walking: accepted, not yet executed
    await waitFor(() => h!.responses.some((r) => r.text === 'walk forward for 1 second'), 'the final record on the response topic', 4000);
    expect(h!.go2.apiIds().at(-1)).to.equal(1003);
  });

  it('LlmQuery with service.reply_at completion answers after the robot has finished', async () => {
    await start({ config: { robot: { initial_posture: 'standing' }, service: { reply_at: 'completion' } } });
    const svc = h!.peer.createClient<LlmQueryRequestMsg, LlmQueryResponseMsg>(MSG.LlmQuery, '/claudia/llm_query');
    const res = await svc.call({ text: 'walk forward for 1 second', language: '', prompt_type: '', session_id: '', priority: 0, dry_run: false, timeout_s: 0 });
    expect(res.success).to.equal(true);
    expect(h!.go2.apiIds().at(-1)).to.equal(1003); // the walk has ended
    expect(res.latency_ms).to.be.at.least(900);
  });

  it('LlmQuery at decision: a refused input still answers with its error', async () => {
    await start();
    const svc = h!.peer.createClient<LlmQueryRequestMsg, LlmQueryResponseMsg>(MSG.LlmQuery, '/claudia/llm_query');
    const res = await svc.call({ text: '', language: '', prompt_type: '', session_id: '', priority: 0, dry_run: false, timeout_s: 0 });
    expect(res.success).to.equal(false);
    expect(res.error).to.match(/^E_BAD_INPUT/);
  });
});

describe('action server protocol (generic server over the memory transport)', () => {
  const clock = createSystemClock();
  const logger = createSilentLogger();

  function pair(resultTimeoutS: number, run: (g: { goal: { n: number }; cancelSignal: AbortSignal; publishFeedback(f: { n: number }): void }) => Promise<{ status: 'succeeded' | 'canceled' | 'aborted'; result: { n: number } }>) {
    const graph = new MemoryGraph();
    const server = createMemoryTransport({ graph, namespace: '/t', clock, logger });
    const peer = createMemoryTransport({ graph, namespace: '/', clock, logger });
    const srv = createActionServerOver(server, 'claudia_llm/action/Command', 'act', run, { resultTimeoutS });
    const client = createActionClient<{ n: number }, { n: number }, { n: number }>(peer, 'claudia_llm/action/Command', '/t/act');
    return {
      srv, client, peer,
      async close() {
        client.close();
        srv.close();
        await server.close();
        await peer.close();
      },
    };
  }

  it('keeps a result for resultTimeoutS, then forgets the goal (get_result UNKNOWN, gone from the status array)', async () => {
    const p = pair(0.15, async (g) => ({ status: 'succeeded', result: { n: g.goal.n * 2 } }));
    const arrays: GoalStatusArrayMsg[] = [];
    p.client.onStatus((s) => arrays.push(s));
    const g = await p.client.sendGoal({ n: 21 });
    expect(await g.result).to.deep.equal({ status: GOAL_STATUS.SUCCEEDED, result: { n: 42 } });
    const getResult = p.peer.createClient<{ goal_id: { uuid: Uint8Array } }, { status: number }>('claudia_llm/action/Command_GetResult', '/t/act/_action/get_result');
    expect((await getResult.call({ goal_id: { uuid: g.goalId } })).status).to.equal(GOAL_STATUS.SUCCEEDED); // still kept
    await waitFor(() => arrays.at(-1)?.status_list.length === 0, 'the goal to expire', 2000);
    expect((await getResult.call({ goal_id: { uuid: g.goalId } })).status).to.equal(GOAL_STATUS.UNKNOWN);
    const again = await p.client.sendGoal({ n: 1 }, { goalId: g.goalId }); // the id is free again
    expect(again.accepted).to.equal(true);
    await p.close();
  });

  it('refuses a goal id that is in use; a failing executor ends ABORTED', async () => {
    const p = pair(900, async (g) => {
      if (g.goal.n < 0) throw new Error('boom');
      await new Promise((r) => setTimeout(r, 50));
      return { status: 'succeeded', result: { n: 1 } };
    });
    const first = await p.client.sendGoal({ n: 1 });
    const dup = await p.client.sendGoal({ n: 1 }, { goalId: first.goalId });
    expect(dup.accepted).to.equal(false);
    const bad = await p.client.sendGoal({ n: -1 });
    expect((await bad.result).status).to.equal(GOAL_STATUS.ABORTED);
    expect((await first.result).status).to.equal(GOAL_STATUS.SUCCEEDED);
    await p.close();
  });

  it('cancel policies: by id, by stamp (every goal accepted at or before it), all; an unknown id gets ERROR_UNKNOWN_GOAL_ID', async () => {
    const p = pair(900, (g) => new Promise((resolve) => {
      // A cancel may come before the goal starts executing: the signal is then already aborted.
      const done = () => resolve({ status: 'canceled', result: { n: g.goal.n } });
      if (g.cancelSignal.aborted) done();
      else g.cancelSignal.addEventListener('abort', done);
    }));
    const cancel = p.peer.createClient<CancelGoalRequestMsg, CancelGoalResponseMsg>(ACTION_MSGS.CancelGoal, '/t/act/_action/cancel_goal');
    const zero = { sec: 0, nanosec: 0 };
    const unknown = await cancel.call({ goal_info: { goal_id: { uuid: new Uint8Array(16).fill(7) }, stamp: zero } });
    expect(unknown.return_code).to.equal(CANCEL_RETURN.ERROR_UNKNOWN_GOAL_ID);
    const a = await p.client.sendGoal({ n: 1 });
    const b = await p.client.sendGoal({ n: 2 });
    await new Promise((r) => setTimeout(r, 5));
    const c = await p.client.sendGoal({ n: 3 });
    // By stamp: a and b (accepted at or before b's stamp), not c.
    const byStamp = await cancel.call({ goal_info: { goal_id: { uuid: new Uint8Array(16) }, stamp: b.stamp } });
    expect(byStamp.return_code).to.equal(CANCEL_RETURN.ERROR_NONE);
    expect(byStamp.goals_canceling).to.have.length(2);
    expect((await a.result).status).to.equal(GOAL_STATUS.CANCELED);
    expect((await b.result).status).to.equal(GOAL_STATUS.CANCELED);
    // All (zero id, zero stamp): what is left, c.
    const all = await cancel.call({ goal_info: { goal_id: { uuid: new Uint8Array(16) }, stamp: zero } });
    expect(all.goals_canceling.map((i) => Buffer.from(Uint8Array.from(i.goal_id.uuid)).toString('hex'))).to.deep.equal([Buffer.from(c.goalId).toString('hex')]);
    expect(await c.result).to.deep.equal({ status: GOAL_STATUS.CANCELED, result: { n: 3 } });
    await p.close();
  });
});
