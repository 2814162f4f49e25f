import { expect } from 'chai';
import { collapseRuns, compareExpectations, formatExpectations, parseExpectations, type UtteranceOutcome } from '../../src/bag';

const act = (name: string, api_id: number, verdict = 'ok') => ({ name, api_id, parameter: '{}', verdict });
const outcome = (index: number, text: string, actions: ReturnType<typeof act>[], source = 'reflex'): UtteranceOutcome => ({
  index,
  text,
  response: { actions, source, reply: '', error: '' },
});

describe('replay expectations (JSONL)', () => {
  it('parses utterance lines, chat as [], a sport line, and skips comments/blank lines', () => {
    const e = parseExpectations(['# a comment', '', '{"index":0,"text":"座れ","actions":["sit"]}', '{"text":"元気？","actions":["chat"],"source":"llm"}', '{"sport":[1004,1009]}'].join('\n'));
    expect(e.utterances).to.deep.equal([
      { line: 3, index: 0, text: '座れ', actions: ['sit'] },
      { line: 4, text: '元気？', actions: [], source: 'llm' },
    ]);
    expect(e.sport).to.deep.equal({ line: 5, api_ids: [1004, 1009] });
  });

  it('rejects malformed lines with file:line and what to change', () => {
    const bad = (text: string) => () => parseExpectations(text, 'exp.jsonl');
    expect(bad('{"index":0,"actions":["sit"]')).to.throw(/exp\.jsonl:1: not JSON/);
    expect(bad('[1]')).to.throw(/exp\.jsonl:1: must be a JSON object/);
    expect(bad('{"actions":["sit"]}')).to.throw(/needs "index" or "text"/);
    expect(bad('{"index":-1,"actions":[]}')).to.throw(/"index" must be an integer >= 0/);
    expect(bad('{"index":0}')).to.throw(/says nothing to check/);
    expect(bad('{"index":0,"actions":"sit"}')).to.throw(/"actions" must be a list of strings/);
    expect(bad('{"sport":[1]}\n{"sport":[2]}')).to.throw(/exp\.jsonl:2: a second "sport" line \(the first is line 1\)/);
    expect(bad('{"index":0,"api_ids":["x"]}')).to.throw(/"api_ids" must be a list of integers/).with.property('code', 'E_BAD_INPUT');
  });

  it('compares decided actions without inserted StandUps; accept, reject, api_ids, verdicts, source', () => {
    const outcomes = [
      outcome(0, '座れ', [act('stand_up', 1004, 'inserted'), act('sit', 1009)]),
      outcome(1, 'ダンス', [act('dance2', 1023)]),
      outcome(2, 'flip', [act('front_flip', 1030, 'blocked:high_risk')]),
      outcome(3, '元気？', [], 'llm'),
    ];
    const ok = parseExpectations(
      [
        '{"index":0,"actions":["sit"],"api_ids":[1004,1009],"verdicts":["ok"]}',
        '{"text":"ダンス","actions":["dance1"],"accept":[["dance2"]]}',
        '{"text":"flip","actions":["front_flip"],"verdicts":["blocked"]}',
        '{"index":3,"actions":[],"source":"llm","reject":["sit"]}',
      ].join('\n'),
    );
    expect(compareExpectations(ok, outcomes, [])).to.deep.equal([]);

    const wrong = parseExpectations(
      [
        '{"index":0,"actions":["stand_up","sit"]}',
        '{"text":"ダンス","actions":["dance1"]}',
        '{"text":"flip","actions":["front_flip"],"verdicts":["ok"]}',
        '{"index":3,"source":"reflex"}',
        '{"index":1,"reject":["dance2"]}',
        '{"text":"nobody said this","actions":[]}',
      ].join('\n'),
    );
    expect(compareExpectations(wrong, outcomes, []).map((m) => [m.line, m.problem])).to.deep.equal([
      [1, 'expected actions [stand_up, sit], got [sit] (source reflex)'],
      [2, 'expected actions [dance1], got [dance2] (source reflex)'],
      [3, 'expected verdicts [ok], got [blocked:high_risk]'],
      [4, 'expected source reflex, got llm'],
      [5, 'rejected action dance2 was produced: [dance2]'],
      [6, 'no played utterance has the text "nobody said this" (or all such are taken by earlier lines)'],
    ]);
  });

  it('a StandUp that was dropped before the action it preceded may be an insertion', () => {
    const o = [outcome(0, 'sit', [act('stand_up', 1004, 'dropped:superseded_by_stop'), act('sit', 1009, 'dropped:superseded_by_stop')])];
    expect(compareExpectations(parseExpectations('{"index":0,"actions":["sit"]}'), o, [])).to.deep.equal([]);
    expect(compareExpectations(parseExpectations('{"index":0,"actions":["stand_up","sit"]}'), o, [])).to.deep.equal([]);
    // A last, lone stand_up is a decision, never an insertion.
    const lone = [outcome(0, 'stand', [act('stand_up', 1004, 'dropped:superseded_by_stop')])];
    expect(compareExpectations(parseExpectations('{"index":0,"actions":[]}'), lone, [])).to.have.length(1);
  });

  it('text lines take utterances in order; a missing response is a mismatch; sport runs collapse', () => {
    const outcomes: UtteranceOutcome[] = [outcome(0, 'sit', [act('sit', 1009)]), { index: 1, text: 'sit' }];
    const ms = compareExpectations(parseExpectations('{"text":"sit","actions":["sit"]}\n{"text":"sit","actions":["sit"]}\n{"sport":[1008,1003]}'), outcomes, [1008, 1008, 1008, 1003, 1003]);
    expect(ms.map((m) => [m.line, m.index, m.problem])).to.deep.equal([[2, 1, 'the node published no response for this utterance']]);
    expect(collapseRuns([1008, 1008, 1003, 1008])).to.deep.equal([1008, 1003, 1008]);
    const ms2 = compareExpectations(parseExpectations('{"sport":[1008]}'), [], [1008, 1003]);
    expect(ms2[0]!.problem).to.equal('expected sport requests [1008], got [1008, 1003]');
  });

  it('no_response: passes only when the node stayed silent; cannot be mixed with other checks', () => {
    const outcomes: UtteranceOutcome[] = [{ index: 0, text: '' }, outcome(1, 'sit', [act('sit', 1009)])];
    expect(compareExpectations(parseExpectations('{"index":0,"no_response":true}'), outcomes, [])).to.deep.equal([]);
    expect(compareExpectations(parseExpectations('{"index":1,"no_response":true}'), outcomes, [])[0]!.problem).to.equal('expected no response, got one (source reflex, actions [sit])');
    expect(() => parseExpectations('{"index":0,"no_response":true,"actions":[]}')).to.throw(/cannot be combined/);
    expect(() => parseExpectations('{"index":0,"no_response":false}')).to.throw(/can only be true/);
  });

  it('formatExpectations writes a baseline that passes against the outcomes it came from', () => {
    const outcomes: UtteranceOutcome[] = [
      outcome(0, '座れ', [act('stand_up', 1004, 'inserted'), act('sit', 1009)]),
      outcome(1, 'flip', [act('front_flip', 1030, 'blocked:high_risk')]),
      { index: 2, text: '' },
    ];
    const text = formatExpectations(outcomes, [1004, 1009, 1008, 1008]);
    expect(text.trim().split('\n')).to.deep.equal([
      '{"index":0,"text":"座れ","actions":["sit"],"verdicts":["ok"],"source":"reflex"}',
      '{"index":1,"text":"flip","actions":["front_flip"],"verdicts":["blocked:high_risk"],"source":"reflex"}',
      '{"index":2,"text":"","no_response":true}',
      '{"sport":[1004,1009,1008]}',
    ]);
    expect(compareExpectations(parseExpectations(text), outcomes, [1004, 1009, 1008, 1008])).to.deep.equal([]);
    // ... and catches a change.
    expect(compareExpectations(parseExpectations(text), outcomes, [1004, 1009])).to.have.length(1);
  });
});
