import { dataPath } from '../helpers/repo-data';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { parseExpectations } from '../../src/bag';
import type { SimScriptEntry } from '../../src/llm/simulator';
import { tempBagDirs } from '../bag/helpers';
import { replayConversation, type ConversationFile } from './run-conversation';

// The development data set copied into the repository (data/README.md says where it came from).
const DATA = dataPath('intents.dev.jsonl');

interface IntentLine {
  text: string;
  lang: string;
  expect: string | string[];
  tier: 'reflex' | 'llm';
  accept?: Array<string | string[]>;
  reject?: string[];
}

/** The simulator's fixed answers for the LLM-tier lines (test/replay/intents-llm-script.json). */
interface ScriptAnswer {
  text: string;
  a: string[];
  r: string;
}

const asList = (v: string | string[]): string[] => (v === 'chat' ? [] : typeof v === 'string' ? [v] : v);
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('replay of intents.dev.jsonl as a bag', function () {
  this.timeout(60_000);
  const dirs = tempBagDirs();
  afterEach(() => dirs.cleanup());

  const intents = readFileSync(DATA, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as IntentLine);
  const script = JSON.parse(readFileSync(path.join(__dirname, 'intents-llm-script.json'), 'utf8')) as ScriptAnswer[];

  it('the simulator script answers every LLM-tier line, and each answer is right by the data file', () => {
    for (const line of intents.filter((l) => l.tier === 'llm')) {
      const s = script.find((x) => x.text === line.text);
      expect(s, `script has no answer for ${line.text}`).to.not.equal(undefined);
      const allowed = [asList(line.expect), ...(line.accept ?? []).map((a) => asList(a))];
      expect(allowed.some((l) => JSON.stringify(l) === JSON.stringify(s!.a)), `script answer for ${line.text}`).to.equal(true);
      for (const r of line.reject ?? []) expect(s!.a).to.not.include(r);
    }
  });

  it('every line, 3 s apart: reflex lines match the data (expect/accept), LLM lines the simulator script', async () => {
    const conv: ConversationFile = {
      description: 'intents.dev.jsonl, one utterance every 3 s on speech_text',
      turns: intents.map((l, i) => ({ atMs: i * 3000, text: l.text })),
      sim_script: script.map((s): SimScriptEntry => ({ regex: escapeRegex(s.text), content: { a: s.a, r: s.r } })),
    };
    // Expectations: from the data file for reflex-tier lines, from the script for LLM-tier lines.
    const lines = intents.map((l, index) => {
      if (l.tier === 'reflex') {
        const accept = (l.accept ?? []).map((a) => asList(a));
        return { index, text: l.text, actions: asList(l.expect), ...(accept.length ? { accept } : {}), ...(l.reject ? { reject: l.reject } : {}), source: 'reflex' };
      }
      const s = script.find((x) => x.text === l.text) as ScriptAnswer;
      return { index, text: l.text, actions: s.a, source: 'llm' };
    });
    const exp = parseExpectations(lines.map((l) => JSON.stringify(l)).join('\n'), 'intents.dev expectations');
    expect(exp.utterances).to.have.length(intents.length);
    const run = await replayConversation(conv, exp, { bag: dirs.next('intents') });
    expect(run.result.outcomes).to.have.length(intents.length);
    expect(run.mismatches, run.report).to.deep.equal([]);
  });
});
