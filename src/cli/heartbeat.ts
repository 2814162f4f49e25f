import type { CliIo } from './types';

/**
 * Progress lines on stderr for work that may take more than a second: the first after
 * `firstAfterMs`, then every `everyMs`, each saying what is being waited for and for how
 * long, so a user never stares at a silent terminal. Real time on purpose (it is about the
 * person waiting); the timers are unref'd and never keep the process alive.
 */
export function startHeartbeat(opts: { io: CliIo; prefix: string; describe: (elapsedS: number) => string; firstAfterMs?: number; everyMs?: number }): { stop(): void } {
  const t0 = Date.now();
  let interval: NodeJS.Timeout | undefined;
  const beat = () => opts.io.err(`${opts.prefix}: ${opts.describe(Math.round((Date.now() - t0) / 1000))}`);
  const first = setTimeout(() => {
    beat();
    interval = setInterval(beat, opts.everyMs ?? 5000);
    interval.unref();
  }, opts.firstAfterMs ?? 1000);
  first.unref();
  return {
    stop() {
      clearTimeout(first);
      if (interval) clearInterval(interval);
    },
  };
}
