import type { Proposal } from '../pipeline/types';
import { ClaudiaError } from '../util/errors';
import { excerpt } from '../util/logger';

export interface ParsedOutput {
  actions: Proposal[];
  reply: string;
}

export interface OutputParser {
  /**
   * Feeds the next piece of streamed content. Returns the action list once, at the moment
   * the top-level "a" field is complete (before the reply has streamed); otherwise undefined.
   * Throws E_LLM_BAD_OUTPUT as soon as the text cannot be the expected JSON object.
   */
  push(chunk: string): Proposal[] | undefined;
  /** Ends the stream: the whole object, validated. Throws E_LLM_BAD_OUTPUT on garbage or a cut-off object. */
  finish(): ParsedOutput;
  /** The actions, if the "a" field has completed (even when the rest of the output turns out broken). */
  actions(): Proposal[] | undefined;
  /** All text received so far. */
  text(): string;
  /** The reply ("r") decoded as far as it has streamed ('' before it starts), for progress only. */
  replySoFar(): string;
}

const MAX_OUTPUT_CHARS = 64 * 1024;

/**
 * Incremental parser for the model's JSON: {"a":[...],"r":"..."}. It scans characters as
 * they arrive, tracking nesting and strings, and parses the "a" value the moment its
 * closing bracket arrives. Unknown action names pass through as proposals: the safety
 * compiler blocks them (and reports them), which is better than dropping them silently.
 */
export function createOutputParser(opts: { actionsKey?: string; replyKey?: string } = {}): OutputParser {
  const aKey = opts.actionsKey ?? 'a';
  const rKey = opts.replyKey ?? 'r';
  let buf = '';
  let pos = 0;
  let started = false;
  let depth = 0;
  let inString = false;
  let escape = false;
  /** Start of the current top-level string (key or value) while inside it. */
  let strStart = -1;
  /** At depth 1: expecting a key (true) or a value (false). */
  let expectKey = true;
  let currentKey: string | undefined;
  let valueStart = -1;
  let actions: Proposal[] | undefined;
  let emitted = false;
  /** Where the reply's string value starts (its opening quote) and, once closed, its text. */
  let replyStart = -1;
  let replyDone: string | undefined;

  function bad(why: string): never {
    throw new ClaudiaError('E_LLM_BAD_OUTPUT', `LLM output is not the expected JSON object (${why}): '${excerpt(buf, 60)}'; check the model and its format support`);
  }

  function endValue(end: number): void {
    if (currentKey === aKey && valueStart >= 0 && actions === undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(buf.slice(valueStart, end));
      } catch {
        bad(`"${aKey}" is not valid JSON`);
      }
      actions = toProposals(parsed, bad);
    }
    currentKey = undefined;
    valueStart = -1;
  }

  function scan(): void {
    for (; pos < buf.length; pos++) {
      const c = buf[pos] as string;
      if (!started) {
        if (c === ' ' || c === '\n' || c === '\r' || c === '\t') continue;
        if (c !== '{') bad('does not start with "{"');
        started = true;
        depth = 1;
        expectKey = true;
        continue;
      }
      if (depth === 0) {
        if (c === ' ' || c === '\n' || c === '\r' || c === '\t') continue;
        bad('text after the end of the object');
      }
      if (inString) {
        if (escape) escape = false;
        else if (c === '\\') escape = true;
        else if (c === '"') {
          inString = false;
          if (depth === 1 && !expectKey && replyStart >= 0 && replyDone === undefined && currentKey === rKey) replyDone = decodePartial(buf.slice(replyStart + 1, pos));
          if (depth === 1 && expectKey && strStart >= 0) {
            try {
              currentKey = JSON.parse(buf.slice(strStart, pos + 1)) as string;
            } catch {
              bad('broken key');
            }
          }
          strStart = -1;
        }
        continue;
      }
      switch (c) {
        case '"':
          inString = true;
          if (depth === 1) {
            strStart = pos;
            if (!expectKey && valueStart < 0) {
              valueStart = pos;
              if (currentKey === rKey && replyStart < 0) replyStart = pos;
            }
          }
          break;
        case ':':
          if (depth === 1) {
            if (!expectKey || currentKey === undefined) bad('unexpected ":"');
            expectKey = false;
          }
          break;
        case ',':
          if (depth === 1) {
            endValue(pos);
            expectKey = true;
          }
          break;
        case '{':
        case '[':
          if (depth === 1 && !expectKey && valueStart < 0) valueStart = pos;
          depth++;
          break;
        case '}':
        case ']':
          depth--;
          if (depth === 1 && currentKey === aKey && valueStart >= 0 && actions === undefined) endValue(pos + 1);
          if (depth === 0) {
            if (c !== '}') bad('unbalanced brackets');
            if (currentKey !== undefined) endValue(pos);
          }
          if (depth < 0) bad('unbalanced brackets');
          break;
        default:
          if (depth === 1 && !expectKey && valueStart < 0 && !/\s/.test(c)) valueStart = pos;
      }
    }
  }

  return {
    push(chunk) {
      buf += chunk;
      if (buf.length > MAX_OUTPUT_CHARS) bad(`longer than ${MAX_OUTPUT_CHARS} characters`);
      scan();
      if (actions && !emitted) {
        emitted = true;
        return actions;
      }
      return undefined;
    },
    finish() {
      scan();
      if (!started) bad('empty output');
      if (depth !== 0) bad('cut off before the end (num_predict too small, or the stream broke)');
      let obj: unknown;
      try {
        obj = JSON.parse(buf);
      } catch {
        bad('invalid JSON');
      }
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) bad('not an object');
      const o = obj as Record<string, unknown>;
      const reply = o[rKey] ?? o['reply'];
      if (typeof reply !== 'string') bad(`"${rKey}" (the reply) is missing or not a string`);
      const rawActions = aKey in o ? o[aKey] : o['actions'];
      const list = actions ?? (rawActions === undefined ? [] : toProposals(rawActions, bad));
      return { actions: list, reply: reply.trim() };
    },
    actions: () => actions,
    text: () => buf,
    replySoFar() {
      if (replyDone !== undefined) return replyDone;
      return replyStart < 0 ? '' : decodePartial(buf.slice(replyStart + 1));
    },
  };
}

/** A JSON string body that may be cut anywhere: an unfinished escape at the end is left out. */
function decodePartial(body: string): string {
  let end = body.length;
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') continue;
    const len = body[i + 1] === 'u' ? 6 : 2;
    if (i + len > body.length) {
      end = i;
      break;
    }
    i += len - 1;
  }
  try {
    return JSON.parse(`"${body.slice(0, end)}"`) as string;
  } catch {
    return '';
  }
}

/** Accepts "sit", {"n":"forward","distance_m":1}, {"name":"forward","params":{...}}; "chat" means no action. */
function toProposals(value: unknown, bad: (why: string) => never): Proposal[] {
  if (value === null) return [];
  if (!Array.isArray(value)) bad('the action list is not an array');
  const out: Proposal[] = [];
  for (const item of value) {
    if (typeof item === 'string') {
      if (item.trim() && item.trim() !== 'chat') out.push({ name: item.trim() });
      continue;
    }
    if (typeof item !== 'object' || item === null || Array.isArray(item)) bad('an action is neither a name nor an object');
    const o = item as Record<string, unknown>;
    const name = o['n'] ?? o['name'] ?? o['action'];
    if (typeof name !== 'string' || !name.trim()) bad('an action object has no name ("n")');
    if (name.trim() === 'chat') continue;
    const params: Record<string, number | boolean> = {};
    const src = typeof o['params'] === 'object' && o['params'] !== null ? { ...(o['params'] as Record<string, unknown>), ...o } : o;
    for (const [k, v] of Object.entries(src)) {
      if (k === 'n' || k === 'name' || k === 'action' || k === 'params') continue;
      if (typeof v === 'number' && Number.isFinite(v)) params[k] = v;
      else if (typeof v === 'boolean') params[k] = v;
      else if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) params[k] = Number(v);
      // Anything else (nested objects, words) cannot be a parameter of a Go2 action: left out,
      // and the safety compiler applies its defaults.
    }
    out.push(Object.keys(params).length > 0 ? { name: name.trim(), params } : { name: name.trim() });
  }
  return out;
}
