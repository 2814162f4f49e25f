import { procSelfStat } from '../util/proc-stat';

/** The current parent pid from /proc (process.ppid is fixed at start); undefined without /proc. */
export function currentParentPid(): number | undefined {
  const ppid = Number(procSelfStat()?.[1]);
  return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
}

/**
 * The parent when this module loaded (early in the CLI, long before the node is up): by the
 * time the node has started, a killed launcher may already be gone and the parent be init.
 */
const PARENT_AT_LOAD = currentParentPid() ?? process.ppid;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Calls `onGone` once when the process that started this one has exited. `ros2 launch` and
 * `ros2 run` have no SIGTERM handler on Humble (nor Foxy): a SIGTERM or SIGKILL to them ends
 * them at once and leaves the node running, still holding its metrics port (the next start
 * fails) and the robot. The timer does not keep the process alive.
 */
export function watchParent(onGone: (pid: number) => void, opts: { parent?: number; intervalMs?: number } = {}): { stop(): void } {
  const parent = opts.parent ?? PARENT_AT_LOAD;
  const intervalMs = opts.intervalMs ?? 500;
  const timer = setInterval(() => {
    const now = currentParentPid();
    const gone = now !== undefined ? now !== parent : !alive(parent);
    if (!gone) return;
    clearInterval(timer);
    onGone(parent);
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
