import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';

const ROOT = path.resolve(__dirname, '..', '..');
const DOCS = ['README.md', ...['bag', 'cache', 'design', 'http', 'llm', 'monitor', 'performance', 'robot', 'ros'].map((d) => path.join('docs', `${d}.md`))];

/** Lines of the fenced code blocks of a markdown file, with their line numbers; `\` continuations joined. */
export function codeLines(text: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  let inBlock = false;
  let pending: { line: number; text: string } | undefined;
  for (const [i, raw] of text.split('\n').entries()) {
    if (/^\s*```/.test(raw)) {
      inBlock = !inBlock;
      continue;
    }
    if (!inBlock) continue;
    const joined = pending ? { line: pending.line, text: `${pending.text} ${raw.trim()}` } : { line: i + 1, text: raw };
    if (/\\$/.test(joined.text)) pending = { line: joined.line, text: joined.text.replace(/\\$/, '') };
    else {
      pending = undefined;
      out.push(joined);
    }
  }
  return out;
}

/** The argv of a shell command as sh would split it (quotes, no expansion); stops at |, &, ;, > and a # comment. */
export function shellWords(cmd: string): string[] {
  const words: string[] = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i] as string;
    if (c === "'" || c === '"') {
      const end = cmd.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unbalanced ${c} in: ${cmd}`);
      cur += cmd.slice(i + 1, end);
      has = true;
      i = end;
    } else if (/\s/.test(c)) {
      if (has) words.push(cur);
      cur = '';
      has = false;
    } else if ('|&;>'.includes(c) || (c === '#' && !has)) {
      break;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) words.push(cur);
  return words;
}

/** Every claudia-llm invocation in a code line: `npx claudia-llm ...` or `node bin/claudia-llm.js ...` (also after a pipe). */
export function invocations(line: string): string[][] {
  const found: string[][] = [];
  const re = /(?:^|[|;&(=]\s*|\s)(?:npx claudia-llm|(?:\/usr\/bin\/)?node bin\/claudia-llm\.js)(?=\s|$)/g;
  for (const m of line.matchAll(re)) found.push(shellWords(line.slice((m.index ?? 0) + m[0].length)));
  return found;
}

describe('docs: every claudia-llm command line in the README and docs code blocks parses with the real CLI', function () {
  this.timeout(60_000);

  it('the helpers split shell lines as sh does', () => {
    expect(shellWords(`query "座って" --json --dry-run   # comment`)).to.deep.equal(['query', '座って', '--json', '--dry-run']);
    expect(shellWords(`sim-ollama --port 11434 &      # bg`)).to.deep.equal(['sim-ollama', '--port', '11434']);
    expect(invocations(`printf 'a\\nb' | npx claudia-llm record my_session --no-llm`)).to.deep.equal([['record', 'my_session', '--no-llm']]);
    expect(invocations('echo npx-claudia-llm')).to.deep.equal([]);
  });

  for (const doc of DOCS) {
    const text = readFileSync(path.join(ROOT, doc), 'utf8');
    const lines = codeLines(text);
    const commands = lines.flatMap((l) => invocations(l.text).map((argv) => ({ line: l.line, argv })));

    it(`${doc}: no code line runs a bare \`claudia-llm\` (not on PATH after npm ci: use npx) and no code line reaches outside the clone (a \`../\` path)`, () => {
      const bare = lines.filter((l) => /(?:^\s*(?:\$ )?|\|\s*)claudia-llm\s/.test(l.text));
      expect(bare.map((l) => `${doc}:${l.line}: ${l.text.trim()}`)).to.deep.equal([]);
      // A user's clone has nothing beside it: a pasted command must not read a sibling folder.
      const outside = lines.filter((l) => /(?:^|[\s'"=:(])\.\.\//.test(l.text));
      expect(outside.map((l) => `${doc}:${l.line}: ${l.text.trim()}`)).to.deep.equal([]);
    });

    if (commands.length === 0) continue;
    it(`${doc}: ${commands.length} command line(s) parse (main(argv, io, { parseOnly: true }) exits 0)`, async () => {
      const failures: string[] = [];
      for (const { line, argv } of commands) {
        // A synopsis (`[--port N]`, `<file>`) documents the options; it is not a command to paste.
        if (argv.some((a) => /^\[.*|^<.*>$|\|/.test(a))) continue;
        const err: string[] = [];
        const code = await main(argv, { out: () => undefined, err: (l) => void err.push(l) }, { parseOnly: true });
        if (code !== 0) failures.push(`${doc}:${line}: claudia-llm ${argv.join(' ')} -> exit ${code}: ${err.join(' ')}`);
      }
      expect(failures).to.deep.equal([]);
    });
  }

  it('finds the README examples (the test cannot pass by finding nothing)', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const argvs = codeLines(readme).flatMap((l) => invocations(l.text));
    expect(argvs.length).to.be.at.least(8);
    expect(argvs.map((a) => a[0])).to.include.members(['query', 'sim-ollama', 'run', 'record', 'bag', 'replay']);
  });

  it('a bad command line in a doc would be caught', async () => {
    const [argv] = invocations('npx claudia-llm query "座って" --confidence 5');
    expect(await main(argv as string[], { out: () => undefined, err: () => undefined }, { parseOnly: true })).to.equal(2);
  });
});
