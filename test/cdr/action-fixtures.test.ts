import { expect } from 'chai';
import { ddsTypeName, decodeMessage, decodeServiceFrame, encodeMessage, encodeServiceFrame, loadMessageRegistry, rosServiceToDds, rosTopicToDds } from '../../src/cdr';
import { actionNames } from '../../src/ros/action-names';
import { fixturePath } from '../helpers/repo-data';
import { diffDecoded, fromHex, readFixtures, toHex, withBigInts } from './fixture-helpers';

type Part = 'send_goal_request' | 'send_goal_reply' | 'get_result_request' | 'get_result_reply' | 'cancel_request' | 'cancel_reply' | 'feedback' | 'status';

/**
 * Every part of the ROS 2 action protocol, as a real ROS 2 (Humble, rmw_cyclonedds 1.3.4,
 * Cyclone 0.10.2) put it on the wire for /claudia/command: the codec reproduces each
 * capture byte for byte (its end padding included) and decodes it back, and the DDS topic
 * and type names are the ones rmw_cyclonedds used.
 */
describe('CDR codec against the ROS 2 action captures (ros2-actions.jsonl)', () => {
  const reg = loadMessageRegistry();
  const lines = readFixtures(fixturePath('cdr', 'ros2-actions.jsonl')) as Array<ReturnType<typeof readFixtures>[number] & { part: Part }>;
  const names = actionNames('/claudia/command');

  it('has all 17 captured lines, every part of the protocol', () => {
    expect(lines).to.have.length(17);
    expect(new Set(lines.map((l) => l.part))).to.deep.equal(
      new Set(['send_goal_request', 'send_goal_reply', 'get_result_request', 'get_result_reply', 'cancel_request', 'cancel_reply', 'feedback', 'status']),
    );
  });

  it('the registry knows the action and the types rosidl derives from it', () => {
    const act = reg.action('claudia_llm/action/Command');
    expect(act).to.deep.include({ goal: 'claudia_llm/action/Command_Goal', feedbackMessage: 'claudia_llm/action/Command_FeedbackMessage' });
    expect(reg.service(act.sendGoal).request).to.equal('claudia_llm/action/Command_SendGoal_Request');
    expect(reg.get('claudia_llm/action/Command_Goal').fields.map((f) => f.name)).to.deep.equal([
      'text', 'language', 'prompt_type', 'session_id', 'utterance_id', 'confidence', 'priority', 'dry_run', 'timeout_s',
    ]);
    expect(reg.get('claudia_llm/action/Command_Result').fields.map((f) => f.name)).to.deep.equal([
      'success', 'reply', 'language', 'actions', 'source', 'latency_ms', 'first_effect_ms', 'error',
    ]);
    expect(reg.get('claudia_llm/action/Command_Feedback').fields.map((f) => f.name)).to.deep.equal(['stage', 'reply', 'actions']);
    expect(reg.actions()).to.include('claudia_llm/action/Command');
  });

  lines.forEach((line, i) => {
    const label = `#${i + 1} ${line.part}`;
    it(`${label}: DDS topic and type as rmw_cyclonedds named them`, () => {
      expect(ddsTypeName(line.type)).to.equal(line.dds_type);
      const topics: Record<Part, string> = {
        send_goal_request: rosServiceToDds(names.sendGoal).request,
        send_goal_reply: rosServiceToDds(names.sendGoal).reply,
        get_result_request: rosServiceToDds(names.getResult).request,
        get_result_reply: rosServiceToDds(names.getResult).reply,
        cancel_request: rosServiceToDds(names.cancelGoal).request,
        cancel_reply: rosServiceToDds(names.cancelGoal).reply,
        feedback: rosTopicToDds(names.feedback),
        status: rosTopicToDds(names.status),
      };
      expect(line.dds_topic).to.equal(topics[line.part]);
    });
    if (line.header) {
      const header = { guid: BigInt(line.header.client_guid_u64_le), seq: BigInt(line.header.sequence_number) };
      it(`${label}: encodes byte-exact, request header and end padding included`, () => {
        expect(toHex(encodeServiceFrame(reg, line.type, header, withBigInts(reg, line.type, line.value)))).to.equal(line.hex);
      });
      it(`${label}: decodes the header and every field`, () => {
        const { header: h, msg } = decodeServiceFrame(reg, line.type, fromHex(line.hex));
        expect(h).to.deep.equal(header);
        expect(diffDecoded(reg, line.type, msg, line.value)).to.deep.equal([]);
      });
    } else {
      it(`${label}: encodes byte-exact, end padding included`, () => {
        expect(toHex(encodeMessage(reg, line.type, withBigInts(reg, line.type, line.value)))).to.equal(line.hex);
      });
      it(`${label}: decodes every field`, () => {
        expect(diffDecoded(reg, line.type, decodeMessage(reg, line.type, fromHex(line.hex)), line.value)).to.deep.equal([]);
      });
    }
  });

  it('decodes the same message with or without Cyclone\'s trailing pad bytes (rclpy serialize_message writes none)', () => {
    const padded = lines.filter((l) => l.part === 'status' || l.part === 'feedback' || l.part === 'get_result_reply');
    let checked = 0;
    for (const line of padded) {
      const bytes = fromHex(line.hex);
      // Strip the zero pad at the end down to the last byte the message needs: it must still decode to the same value.
      for (let cut = bytes.length - 1; cut >= bytes.length - 3 && bytes[cut] === 0; cut--) {
        const shorter = bytes.subarray(0, cut);
        let decoded: unknown;
        try {
          decoded = line.header ? decodeServiceFrame(reg, line.type, shorter).msg : decodeMessage(reg, line.type, shorter);
        } catch {
          break; // that zero was data, not padding
        }
        expect(diffDecoded(reg, line.type, decoded, line.value)).to.deep.equal([]);
        checked++;
      }
    }
    expect(checked).to.be.greaterThan(padded.length); // the README: all of them end in 1-3 pad bytes
  });

  it('the status array lists every goal the server keeps: the finished first goal stays SUCCEEDED during the second', () => {
    const status = lines.filter((l) => l.part === 'status').map((l) => decodeMessage<{ status_list: Array<{ status: number }> }>(reg, l.type, fromHex(l.hex)));
    expect(status.map((s) => s.status_list.map((g) => g.status))).to.deep.equal([[2], [4], [4, 2], [4, 3], [4, 5]]);
  });
});
