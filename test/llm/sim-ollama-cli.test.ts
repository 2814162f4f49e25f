import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Ollama } from 'ollama';
import { main } from '../../src/cli/main';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) } };
}

describe('cli sim-ollama', () => {
  it('starts the simulator from a script file, prints its URL, serves it, and stops cleanly', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sim-cli-'));
    const file = path.join(dir, 'script.json');
    writeFileSync(file, JSON.stringify([{ match: '座って', content: { a: ['sit'], r: '座ります' } }]));
    const c = io();
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const run = main(['sim-ollama', '--port', '0', '--profile', 'fast', '--slots', '2', '--script', file], c.io, { untilStopped: () => stopped });
    for (let i = 0; i < 200 && c.out.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(c.out[0] ?? '')?.[1];
    expect(c.out[0]).to.contain('SIMULATOR');
    expect(url).to.be.a('string');
    const client = new Ollama({ host: url as string });
    const r = await client.chat({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: '座って' }] });
    expect(JSON.parse(r.message.content)).to.deep.equal({ a: ['sit'], r: '座ります' });
    stop();
    expect(await run).to.equal(0);
    expect(c.out.at(-1)).to.match(/simulator stopped: \d+ requests, 1 chat/);
  });

  it('--models adds served models (others are 404), --mode starts in a fault mode', async () => {
    const c = io();
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const run = main(['sim-ollama', '--port', '0', '--models', 'qwen3:8b,llama3.2', '--mode', 'http503'], c.io, { untilStopped: () => stopped });
    for (let i = 0; i < 200 && c.out.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(c.out[0] ?? '')?.[1] as string;
    const tags = (await (await fetch(`${url}/api/tags`)).json()) as { models: Array<{ name: string }> };
    expect(tags.models.map((m) => m.name)).to.deep.equal(['qwen2.5:7b', 'qwen3:8b', 'llama3.2:latest']);
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: Array<{ id: string }> };
    expect(models.data.map((m) => m.id)).to.deep.equal(['qwen2.5:7b', 'qwen3:8b', 'llama3.2']);
    const chat = (model: string) => fetch(`${url}/api/chat`, { method: 'POST', body: JSON.stringify({ model, messages: [{ role: 'user', content: 'x' }], stream: false }) });
    expect((await chat('qwen3:8b')).status).to.equal(503);
    const missing = await chat('mistral');
    expect(missing.status).to.equal(404);
    expect(await missing.json()).to.deep.equal({ error: "model 'mistral' not found" });
    stop();
    expect(await run).to.equal(0);
  });

  it('refuses bad flags and bad script files with exit code 2 and a reason', async () => {
    const never = () => new Promise<void>(() => undefined);
    for (const [argv, reason] of [
      [['--profile', 'turbo'], /option '--profile <name>' argument 'turbo' is invalid\. Allowed choices are fast, jetson, fixed/],
      [['--slots', '0'], /option '--slots <n>' argument '0' is invalid\. It must be an integer from 1 to 1024/],
      [['--bogus'], /unknown option '--bogus'/],
      [['--models', 'a,,b'], /option '--models <a,b>' argument 'a,,b' is invalid/],
      [['--mode', 'explode'], /option '--mode <mode>' argument 'explode' is invalid\. Allowed choices are normal, stall, drop, garbage, http503, repeat, error_line, bad_format/],
      [['--script', '/nonexistent/x.json'], /cannot read simulator script/],
    ] as const) {
      const c = io();
      expect(await main(['sim-ollama', ...argv], c.io, { untilStopped: never })).to.equal(2);
      expect(c.err.join('\n')).to.match(reason);
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sim-cli-'));
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ content: 'x' }]));
    const c = io();
    expect(await main(['sim-ollama', '--script', bad], c.io, { untilStopped: never })).to.equal(2);
    expect(c.err.join('\n')).to.match(/entry 0 needs "match" or "regex"/);
  });
});
