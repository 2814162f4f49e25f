import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { openBag } from '../../src/bag';
import { tempBagDirs } from '../bag/helpers';

const ROOT = path.resolve(__dirname, '..', '..');
const ENTRY = path.join(ROOT, 'src', 'cli', 'entry.ts');

interface Proc {
  code: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  write(s: string): void;
  end(): void;
  kill(sig: NodeJS.Signals): void;
}

/** `claudia-llm record …` as a real process (tsx), stdin piped. */
function startRecord(args: string[]): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'record', ...args], { cwd: ROOT, env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return { code, stdout: () => out, stderr: () => err, write: (s) => void child.stdin.write(s), end: () => child.stdin.end(), kill: (sig) => void child.kill(sig) };
}

async function waitFor(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('claudia-llm record as a process (memory transport, stdin)', function () {
  this.timeout(60_000);
  const dirs = tempBagDirs();
  afterEach(() => dirs.cleanup());

  it('records one utterance per stdin line and exits 0 at end of input with a complete bag', async () => {
    const out = dirs.next('piped');
    const p = startRecord([out, '--no-llm', '--tail', '0.2']);
    p.write('座れ\n\nwave\n');
    p.end();
    expect(await p.code, p.stderr()).to.equal(0);
    expect(p.stdout()).to.match(/> 座れ -> reflex: .*\[.*sit.*\]/);
    expect(p.stdout()).to.contain('Topic: /claudia/speech_text | Type: std_msgs/msg/String | Count: 2');
    const r = openBag(out);
    try {
      expect(r.countByTopic().get('/claudia/response')).to.equal(2);
    } finally {
      r.close();
    }
  });

  it('SIGINT while waiting for input closes the node and the bag cleanly (metadata written, exit 0)', async () => {
    const out = dirs.next('interrupted');
    const p = startRecord([out, '--no-llm']);
    p.write('please stand\n');
    await waitFor(() => p.stdout().includes('> please stand'), 'the first answer');
    p.kill('SIGINT');
    expect(await p.code, p.stderr()).to.equal(0);
    expect(existsSync(path.join(out, 'metadata.yaml'))).to.equal(true);
    const r = openBag(out);
    try {
      expect(r.summary.metadata.message_count).to.be.greaterThan(1);
      expect(r.countByTopic().get('/claudia/speech_text')).to.equal(1);
    } finally {
      r.close();
    }
  });
});
