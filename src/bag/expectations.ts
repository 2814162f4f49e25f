import { readFileSync } from 'node:fs';
import { ClaudiaError } from '../util/errors';

/**
 * Replay expectations, one JSON object per line (JSONL; blank lines and lines starting with # are
 * skipped). A line names one played utterance and what the node must decide for it:
 *
 *   {"index": 0, "text": "座れ", "actions": ["sit"]}
 *   {"text": "ダンス", "actions": ["dance1"], "accept": [["dance2"]]}
 *   {"index": 5, "actions": [], "source": "llm"}            // [] = chat: talk only, no motion
 *   {"text": "flip", "actions": ["front_flip"], "verdicts": ["blocked:high_risk"]}
 *   {"sport": [1004, 1008, 1003]}                            // /api/sport/request api_ids, repeats collapsed
 *
 * - `index`: 0-based position among the played utterances (std_msgs/String messages and final
 *   SpeechText messages, in play order). `text` alone finds the first not yet expected utterance
 *   with that text; with both, the text must match the utterance at that index.
 * - `actions`: names of the decided actions, in order, as the response reports them, without the
 *   StandUp the safety compiler inserts (verdict `inserted`): the decision, not the posture plumbing.
 *   (A StandUp that did not run and precedes another action may be an insertion whose verdict was
 *   overwritten by `dropped:`/`blocked:`; the list without it is accepted too.)
 *   Blocked and dropped actions count (they were decided); check their fate with `verdicts`.
 * - `accept`: other action lists that are also right. `reject`: names that must not appear.
 * - `api_ids`: the full list of response action api_ids, inserted StandUps included.
 * - `verdicts`: verdicts of the actions `actions` lists, in order (prefix match: "blocked" matches "blocked:high_risk").
 * - `source`: reflex | cache | semantic_cache | llm | fallback.
 * - `no_response: true`: the node must publish no response for it.
 * - `sport`: the whole run's motion commands, consecutive repeats (Move streams) collapsed.
 */
export interface UtteranceExpectation {
  line: number;
  index?: number;
  text?: string;
  actions?: string[];
  accept?: string[][];
  reject?: string[];
  api_ids?: number[];
  verdicts?: string[];
  source?: string;
  /** The node must publish no response for this utterance (e.g. input it ignores). */
  noResponse?: boolean;
}

export interface Expectations {
  utterances: UtteranceExpectation[];
  sport?: { line: number; api_ids: number[] };
}

/** What the replay produced for one played utterance. */
export interface UtteranceOutcome {
  index: number;
  text: string;
  /** Undefined when the node published no response for it. */
  response?: { actions: Array<{ name: string; api_id: number; parameter: string; verdict: string }>; source: string; reply: string; error: string };
}

export interface Mismatch {
  line: number;
  index?: number;
  text?: string;
  problem: string;
}

export function readExpectations(file: string): Expectations {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ClaudiaError('E_BAD_INPUT', `expectations file ${file} cannot be read; check the --expect path`);
  }
  return parseExpectations(text, file);
}

export function parseExpectations(text: string, where = 'expectations'): Expectations {
  const out: Expectations = { utterances: [] };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const s = raw.trim();
    if (s === '' || s.startsWith('#')) return;
    let obj: unknown;
    try {
      obj = JSON.parse(s);
    } catch (err) {
      throw bad(where, line, `not JSON (${(err as Error).message})`);
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw bad(where, line, 'must be a JSON object');
    const o = obj as Record<string, unknown>;
    if ('sport' in o) {
      if (out.sport) throw bad(where, line, `a second "sport" line (the first is line ${out.sport.line})`);
      out.sport = { line, api_ids: intList(o.sport, where, line, 'sport') };
      return;
    }
    const e: UtteranceExpectation = { line };
    if (o.index !== undefined) {
      if (!Number.isInteger(o.index) || (o.index as number) < 0) throw bad(where, line, '"index" must be an integer >= 0');
      e.index = o.index as number;
    }
    if (o.text !== undefined) {
      if (typeof o.text !== 'string') throw bad(where, line, '"text" must be a string');
      e.text = o.text;
    }
    if (e.index === undefined && e.text === undefined) throw bad(where, line, 'needs "index" or "text" to say which utterance it is about');
    if (o.actions !== undefined) e.actions = nameList(o.actions, where, line, 'actions');
    if (o.accept !== undefined) {
      if (!Array.isArray(o.accept)) throw bad(where, line, '"accept" must be a list of action lists');
      e.accept = o.accept.map((a) => (typeof a === 'string' ? (a === 'chat' ? [] : [a]) : nameList(a, where, line, 'accept')));
    }
    if (o.reject !== undefined) e.reject = nameList(o.reject, where, line, 'reject');
    if (o.api_ids !== undefined) e.api_ids = intList(o.api_ids, where, line, 'api_ids');
    if (o.verdicts !== undefined) e.verdicts = nameList(o.verdicts, where, line, 'verdicts');
    if (o.source !== undefined) {
      if (typeof o.source !== 'string') throw bad(where, line, '"source" must be a string');
      e.source = o.source;
    }
    if (o.no_response !== undefined) {
      if (o.no_response !== true) throw bad(where, line, '"no_response" can only be true');
      e.noResponse = true;
    }
    if (e.noResponse && (e.actions !== undefined || e.api_ids !== undefined || e.verdicts !== undefined || e.source !== undefined)) {
      throw bad(where, line, '"no_response" cannot be combined with actions, api_ids, verdicts or source');
    }
    if (!e.noResponse && e.actions === undefined && e.api_ids === undefined && e.verdicts === undefined && e.source === undefined && e.reject === undefined) {
      throw bad(where, line, 'says nothing to check: give "actions", "api_ids", "verdicts", "source" or "reject"');
    }
    out.utterances.push(e);
  });
  return out;
}

function bad(where: string, line: number, what: string): ClaudiaError {
  return new ClaudiaError('E_BAD_INPUT', `${where}:${line}: ${what}`);
}

function nameList(v: unknown, where: string, line: number, key: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw bad(where, line, `"${key}" must be a list of strings`);
  // "chat" means no motion: the empty list.
  return key === 'actions' || key === 'accept' ? v.filter((x) => x !== 'chat') : v;
}

function intList(v: unknown, where: string, line: number, key: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x))) throw bad(where, line, `"${key}" must be a list of integers`);
  return v as number[];
}

/** Collapses consecutive repeats: a Move stream is one entry however many messages it sent. */
export function collapseRuns(ids: readonly number[]): number[] {
  return ids.filter((id, i) => i === 0 || ids[i - 1] !== id);
}

/** Checks every expectation; returns the mismatches (empty = pass). */
export function compareExpectations(exp: Expectations, outcomes: readonly UtteranceOutcome[], sportApiIds: readonly number[]): Mismatch[] {
  const out: Mismatch[] = [];
  const claimed = new Set<number>();
  for (const e of exp.utterances) {
    const o = locate(e, outcomes, claimed);
    if (typeof o === 'string') {
      out.push({ line: e.line, index: e.index, text: e.text, problem: o });
      continue;
    }
    claimed.add(o.index);
    const fail = (problem: string) => out.push({ line: e.line, index: o.index, text: o.text, problem });
    if (e.noResponse) {
      if (o.response) fail(`expected no response, got one (source ${o.response.source}, actions [${o.response.actions.map((a) => a.name).join(', ')}])`);
      continue;
    }
    if (!o.response) {
      fail('the node published no response for this utterance');
      continue;
    }
    const decided = o.response.actions.filter((a) => a.verdict !== 'inserted');
    const names = decided.map((a) => a.name);
    if (e.actions) {
      const allowed = [e.actions, ...(e.accept ?? [])];
      if (!allowed.some((l) => sameList(l, names) || sameList(l, withoutUnexecutedStandUps(decided)))) {
        fail(`expected actions ${show(e.actions)}${e.accept?.length ? ` (or ${e.accept.map(show).join(' or ')})` : ''}, got ${show(names)} (source ${o.response.source}${o.response.error ? `, error ${o.response.error}` : ''})`);
      }
    }
    for (const r of e.reject ?? []) if (names.includes(r)) fail(`rejected action ${r} was produced: ${show(names)}`);
    if (e.api_ids) {
      const ids = o.response.actions.map((a) => a.api_id);
      if (!sameList(e.api_ids, ids)) fail(`expected api_ids ${show(e.api_ids)}, got ${show(ids)}`);
    }
    if (e.verdicts) {
      const got = decided.map((a) => a.verdict);
      const ok = got.length === e.verdicts.length && e.verdicts.every((v, i) => got[i] === v || got[i]?.startsWith(v + ':'));
      if (!ok) fail(`expected verdicts ${show(e.verdicts)}, got ${show(got)}`);
    }
    if (e.source !== undefined && e.source !== o.response.source) fail(`expected source ${e.source}, got ${o.response.source}`);
  }
  if (exp.sport) {
    const got = collapseRuns(sportApiIds);
    if (!sameList(exp.sport.api_ids, got)) out.push({ line: exp.sport.line, problem: `expected sport requests ${show(exp.sport.api_ids)}, got ${show(got)}` });
  }
  return out;
}

/**
 * An inserted StandUp that was then dropped or blocked reports `dropped:`/`blocked:` instead of
 * `inserted`, so it looks like a decided one. A stand_up that did not run and precedes another
 * action may therefore be an insertion: the comparison also tries the list without those.
 */
function withoutUnexecutedStandUps(actions: ReadonlyArray<{ name: string; verdict: string }>): string[] {
  return actions
    .filter((a, i) => !(a.name === 'stand_up' && i < actions.length - 1 && (a.verdict.startsWith('dropped:') || a.verdict.startsWith('blocked:'))))
    .map((a) => a.name);
}

function locate(e: UtteranceExpectation, outcomes: readonly UtteranceOutcome[], claimed: ReadonlySet<number>): UtteranceOutcome | string {
  if (e.index !== undefined) {
    const o = outcomes[e.index];
    if (!o) return `no utterance #${e.index}: the bag played ${outcomes.length}`;
    if (e.text !== undefined && o.text !== e.text) return `utterance #${e.index} is ${JSON.stringify(o.text)}, not ${JSON.stringify(e.text)}: expectations and bag disagree`;
    return o;
  }
  const o = outcomes.find((x) => x.text === e.text && !claimed.has(x.index));
  return o ?? `no played utterance has the text ${JSON.stringify(e.text)} (or all such are taken by earlier lines)`;
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function show(v: readonly unknown[]): string {
  return `[${v.join(', ')}]`;
}

/**
 * A baseline from a replay's outcomes (`replay --write-expect`): one line per utterance with its
 * decided actions and source, and the sport line. Review it before committing it as a test — it
 * records what the node did, right or wrong.
 */
export function formatExpectations(outcomes: readonly UtteranceOutcome[], sportApiIds: readonly number[]): string {
  const lines = outcomes.map((o) => {
    if (!o.response) return JSON.stringify({ index: o.index, text: o.text, no_response: true });
    const decided = o.response.actions.filter((a) => a.verdict !== 'inserted');
    return JSON.stringify({ index: o.index, text: o.text, actions: decided.map((a) => a.name), verdicts: decided.map((a) => a.verdict), source: o.response.source });
  });
  lines.push(JSON.stringify({ sport: collapseRuns(sportApiIds) }));
  return lines.join('\n') + '\n';
}

/** The diff printed on a mismatch: one line per failed expectation. */
export function formatMismatches(ms: readonly Mismatch[], total: number): string {
  const lines = ms.map((m) => `  line ${m.line}${m.index !== undefined ? ` #${m.index}` : ''}${m.text !== undefined ? ` ${JSON.stringify(m.text)}` : ''}: ${m.problem}`);
  return [`${ms.length} of ${total} expectation(s) failed:`, ...lines].join('\n');
}
