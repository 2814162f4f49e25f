/**
 * The Ollama SIMULATOR in a process of its own, as a real Ollama or llama-server is: its
 * CPU (timers, JSON, HTTP writes per token) then does not run on the event loop of the node
 * it serves. The parent reads the simulator's counters over the IPC channel.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createOllamaSimulator, type LatencyProfile, type SimScriptEntry, type SimStats } from '../../src/llm/simulator';

export interface SimProcessOptions {
  profile: LatencyProfile;
  slots: number;
  script: SimScriptEntry[];
}

export interface SimProcess {
  readonly url: string;
  stats(): Promise<SimStats>;
  close(): Promise<void>;
}

type ToChild = { op: 'stats'; id: number } | { op: 'close' };
type FromChild = { op: 'url'; url: string } | { op: 'stats'; id: number; stats: SimStats } | { op: 'error'; message: string };

export async function startSimProcess(opts: SimProcessOptions): Promise<SimProcess> {
  const child: ChildProcess = fork(__filename, ['--sim-process', JSON.stringify(opts)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, (s: SimStats) => void>();
  let next = 0;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`simulator process exited (${code}) before it listened`)));
    child.on('message', (m: FromChild) => {
      if (m.op === 'url') resolve(m.url);
      else if (m.op === 'error') reject(new Error(m.message));
      else waiting.get(m.id)?.(m.stats);
    });
  });
  child.removeAllListeners('exit');
  const send = (m: ToChild) => child.send(m);
  return {
    url,
    stats() {
      const id = next++;
      return new Promise<SimStats>((resolve) => {
        waiting.set(id, (s) => {
          waiting.delete(id);
          resolve(s);
        });
        send({ op: 'stats', id });
      });
    },
    close() {
      if (child.exitCode !== null) return Promise.resolve();
      return new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        send({ op: 'close' });
      });
    },
  };
}

if (require.main === module && process.argv[2] === '--sim-process') {
  const opts = JSON.parse(process.argv[3] as string) as SimProcessOptions;
  const sim = createOllamaSimulator(opts);
  const reply = (m: FromChild) => process.send?.(m);
  sim.listen().then(
    (url) => reply({ op: 'url', url }),
    (err: unknown) => reply({ op: 'error', message: String(err) }),
  );
  process.on('message', (m: ToChild) => {
    if (m.op === 'stats') reply({ op: 'stats', id: m.id, stats: sim.stats() });
    else void sim.close().then(() => process.disconnect());
  });
  // The parent died without asking: do not outlive it.
  process.on('disconnect', () => void sim.close());
}
