import { expect } from 'chai';
import type { App } from '../../src/app';
import { encodeMessage, loadMessageRegistry } from '../../src/cdr';
import { GOAL_STATUS } from '../../src/ros/action-names';
import { createActionClient } from '../../src/ros/action-client';
import { createDdsTransport, type DdsTransport } from '../../src/ros/dds-transport';
import { MSG, type CommandFeedbackMsg, type CommandGoalMsg, type CommandResultMsg } from '../../src/ros/messages';
import { createSystemClock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';
import { prepareDdsEnv, runPeer, startDdsNode, until } from './dds-env';

type Line = Record<string, unknown>;
const of = (lines: Line[], kind: string) => lines.filter((l) => l.kind === kind);
/** The status of one goal (hex id) in each status array, in order, repeats collapsed. */
const statusTrail = (lines: Line[], id: string) =>
  of(lines, 'status')
    .map((l) => (l.goals as Array<{ id: string; status: number }>).find((g) => g.id === id)?.status)
    .filter((s, i, all): s is number => s !== undefined && s !== all[i - 1]);

/**
 * The status topic is keep-last 1, writer and reader (rcl_action's QoS): every change is published
 * (command-action.test.ts, in process, sees each array), but a later array can replace an earlier
 * one before a client over DDS takes it, so a client is not guaranteed every intermediate status.
 * It is guaranteed that what it sees comes in the protocol's order with nothing else between, and
 * that it sees the goal's end: `trail` is a subsequence of `order` ending with its last element.
 */
const expectTrailWithin = (trail: number[], order: number[]) => {
  const ranks = trail.map((s) => order.indexOf(s));
  expect(ranks.every((r, i) => r >= 0 && (i === 0 || r > (ranks[i - 1] as number))), `status trail ${JSON.stringify(trail)} not within ${JSON.stringify(order)}`).to.equal(true);
  expect(trail.at(-1), `status trail ${JSON.stringify(trail)} ends`).to.equal(order.at(-1));
};

/**
 * The Command action of the whole node on the dds transport, with an independent Cyclone
 * peer (idlc types, C) as the action client, as `ros2 action send_goal --feedback` is one:
 * goal, feedback, status, result, cancel; stop and a newer goal abort; and the action's
 * endpoints in ros_discovery_info, so rmw's graph (ros2 action list / info) sees them.
 */
describe('dds interop: the Command action, the node as server and the C peer as client', function () {
  this.timeout(60_000);
  const env = prepareDdsEnv();
  const reg = loadMessageRegistry();
  let app: App;
  let transport: DdsTransport;

  before(async function () {
    this.timeout(300_000);
    if (env.peerSkip) {
      console.warn(`      skipped: ${env.peerSkip}`);
      this.skip();
    }
    ({ app, transport } = await startDdsNode(env, { initial_posture: 'standing' }));
  });
  after(async () => {
    await app?.close();
  });

  it('goal "座って": accepted, feedback deciding..done, status (EXECUTING) -> SUCCEEDED, result with the verdicts', async () => {
    const run = await runPeer(env, ['action', '--text', '座って', '--lang', 'ja', '--utterance-id', 'd-1', '--confidence', '0.93', '--timeout-ms', '10000']);
    expect(run.code, JSON.stringify(run.lines) + run.stderr).to.equal(0);
    const reply = of(run.lines, 'send_goal_reply')[0] as Line;
    expect(reply.accepted).to.equal(true);
    expect(reply.stamp_sec as number).to.be.greaterThan(1_600_000_000);
    const stages = of(run.lines, 'feedback').map((f) => f.stage).filter((s, i, all) => s !== all[i - 1]);
    expect(stages).to.deep.equal(['deciding', 'decided', 'executing', 'done']);
    const result = of(run.lines, 'result')[0] as Line;
    expect(result.status).to.equal(GOAL_STATUS.SUCCEEDED);
    expect(result.success).to.equal(true);
    expect(result.reply).to.equal('座ります。');
    expect(result.source).to.equal('reflex');
    expect(result.actions).to.deep.equal([{ name: 'sit', api_id: 1009, parameter: '{}', verdict: 'ok' }]);
    expect(of(run.lines, 'request').map((r) => r.api_id)).to.deep.equal([1009]);
    expectTrailWithin(statusTrail(run.lines, reply.goal_id as string), [GOAL_STATUS.EXECUTING, GOAL_STATUS.SUCCEEDED]);
    // The request headers: send_goal 1, get_result 2 from one counter, and the reply echoes them.
    expect(reply.seq).to.equal(1);
    expect(result.seq).to.equal(2);
  });

  it('cancel during a walk: cancel reply names the goal (CANCELING), status ends CANCELED, StopMove, dropped:canceled', async () => {
    const run = await runPeer(env, ['action', '--text', 'walk forward for 3 seconds', '--cancel-on-api', '1008', '--timeout-ms', '10000']);
    expect(run.code, JSON.stringify(run.lines) + run.stderr).to.equal(0);
    const id = (of(run.lines, 'send_goal_reply')[0] as Line).goal_id as string;
    const cancel = of(run.lines, 'cancel_reply')[0] as Line;
    expect(cancel.return_code).to.equal(0);
    expect(cancel.goals_canceling).to.deep.equal([id]);
    expect(cancel.seq).to.equal(3);
    const result = of(run.lines, 'result')[0] as Line;
    expect(result.status).to.equal(GOAL_STATUS.CANCELED);
    // (the robot sat in the test before: a StandUp was inserted first)
    expect((result.actions as Line[]).map((a) => [a.name, a.verdict]).at(-1)).to.deep.equal(['forward', 'dropped:canceled']);
    expect(result.error).to.match(/^E_CANCELED/);
    // CANCELING itself may be replaced on the keep-last-1 status topic before this client takes it
    // (see expectTrailWithin); the cancel reply above is the client's guarantee that it was CANCELING.
    expectTrailWithin(statusTrail(run.lines, id), [GOAL_STATUS.EXECUTING, GOAL_STATUS.CANCELING, GOAL_STATUS.CANCELED]);
    const ids = of(run.lines, 'request').map((r) => r.api_id);
    expect(ids).to.include(1008);
    expect(ids.at(-1)).to.equal(1003);
  });

  it('a stop word on the speech topic aborts a running goal', async () => {
    const addon = transport.addon;
    const p = addon.createParticipant(env.domainId);
    try {
      const w = addon.createWriter(p, addon.createTopic(p, 'rt/claudia/speech_text', 'std_msgs::msg::dds_::String_'), { reliable: true, transientLocal: false, depth: 10 });
      const peer = runPeer(env, ['action', '--text', 'walk forward for 5 seconds', '--timeout-ms', '10000'], {
        onLine: (l) => {
          if (l.kind === 'request' && l.api_id === 1008) addon.write(w, encodeMessage(reg, MSG.String, { data: '止まって' }));
        },
      });
      const run = await peer;
      expect(run.code, JSON.stringify(run.lines) + run.stderr).to.equal(0);
      const result = of(run.lines, 'result')[0] as Line;
      expect(result.status).to.equal(GOAL_STATUS.ABORTED);
      expect((result.actions as Line[]).map((a) => a.verdict)).to.deep.equal(['dropped:superseded_by_stop']);
    } finally {
      addon.deleteEntity(p);
    }
  });

  it('two goals at once from two clients: the newer one supersedes (ABORTED, E_SUPERSEDED), the newer SUCCEEDS', async () => {
    let second: ReturnType<typeof runPeer> | undefined;
    const first = runPeer(env, ['action', '--text', 'walk forward for 4 seconds', '--timeout-ms', '12000'], {
      onLine: (l) => {
        if (l.kind === 'request' && l.api_id === 1008 && !second) second = runPeer(env, ['action', '--text', 'turn left 20 degrees', '--timeout-ms', '12000']);
      },
    });
    const a = await first;
    await until(() => second !== undefined, 'the second client');
    const b = await (second as ReturnType<typeof runPeer>);
    expect(a.code, JSON.stringify(a.lines) + a.stderr).to.equal(0);
    expect(b.code, JSON.stringify(b.lines) + b.stderr).to.equal(0);
    const ra = of(a.lines, 'result')[0] as Line;
    const rb = of(b.lines, 'result')[0] as Line;
    expect(ra.status).to.equal(GOAL_STATUS.ABORTED);
    expect(ra.error).to.match(/^E_SUPERSEDED: superseded by request r-/);
    expect((ra.actions as Line[]).map((x) => x.verdict)).to.deep.equal(['dropped:superseded']);
    expect(rb.status).to.equal(GOAL_STATUS.SUCCEEDED);
    // The status array lists both goals while the second runs (the server keeps every goal).
    const idA = (of(a.lines, 'send_goal_reply')[0] as Line).goal_id as string;
    const idB = (of(b.lines, 'send_goal_reply')[0] as Line).goal_id as string;
    const both = of(b.lines, 'status').some((l) => {
      const ids = (l.goals as Array<{ id: string }>).map((g) => g.id);
      return ids.includes(idA) && ids.includes(idB);
    });
    expect(both).to.equal(true);
  });

  it('the node\'s ros_discovery_info holds every endpoint of the action (what ros2 action list/info read)', async () => {
    const run = await runPeer(env, ['graph', '--node', 'claudia_llm', '--ns', '/claudia', '--expect', '12', '--timeout-ms', '8000']);
    expect(run.code, JSON.stringify(run.lines) + run.stderr).to.equal(0);
    const eps = (of(run.lines, 'graph')[0] as Line).endpoints as Array<{ kind: string; topic: string; type: string }>;
    const has = (kind: string, topic: string, type: string) => eps.some((e) => e.kind === kind && e.topic === topic && e.type === type);
    const a = 'claudia/command/_action';
    expect(has('reader', `rq/${a}/send_goalRequest`, 'claudia_llm::action::dds_::Command_SendGoal_Request_')).to.equal(true);
    expect(has('writer', `rr/${a}/send_goalReply`, 'claudia_llm::action::dds_::Command_SendGoal_Response_')).to.equal(true);
    expect(has('reader', `rq/${a}/get_resultRequest`, 'claudia_llm::action::dds_::Command_GetResult_Request_')).to.equal(true);
    expect(has('writer', `rr/${a}/get_resultReply`, 'claudia_llm::action::dds_::Command_GetResult_Response_')).to.equal(true);
    expect(has('reader', `rq/${a}/cancel_goalRequest`, 'action_msgs::srv::dds_::CancelGoal_Request_')).to.equal(true);
    expect(has('writer', `rr/${a}/cancel_goalReply`, 'action_msgs::srv::dds_::CancelGoal_Response_')).to.equal(true);
    expect(has('writer', `rt/${a}/feedback`, 'claudia_llm::action::dds_::Command_FeedbackMessage_')).to.equal(true);
    expect(has('writer', `rt/${a}/status`, 'action_msgs::msg::dds_::GoalStatusArray_')).to.equal(true);
    // and the rest of the node as before
    expect(has('reader', 'rq/claudia/llm_queryRequest', 'claudia_llm::srv::dds_::LlmQuery_Request_')).to.equal(true);
  });

  it('the status topic is transient local: a client that joins late still gets the last array', async () => {
    const peer = await createDdsTransport({ namespace: '/', nodeName: 'late_client', clock: createSystemClock(), logger: createSilentLogger(), domainId: env.domainId, registry: reg });
    try {
      const client = createActionClient<CommandGoalMsg, CommandResultMsg, CommandFeedbackMsg>(peer, MSG.Command, '/claudia/command');
      const seen: number[] = [];
      client.onStatus((s) => seen.push(s.status_list.length));
      await until(() => seen.length > 0, 'the retained status array', 8000);
      expect(seen[0]).to.be.greaterThan(0); // the goals of the tests above are kept (900 s)
      // The TS client over dds too: goal, result.
      const g = await client.sendGoal({ text: 'sit down', language: 'en', prompt_type: '', session_id: '', utterance_id: '', confidence: 0.9, priority: 0, dry_run: true, timeout_s: 0 }, { timeoutMs: 8000 });
      const r = await g.result;
      expect(r.status).to.equal(GOAL_STATUS.SUCCEEDED);
      expect(r.result.actions.map((a) => a.verdict)).to.deep.equal(['ok']);
      client.close();
    } finally {
      await peer.close();
    }
  });
});
