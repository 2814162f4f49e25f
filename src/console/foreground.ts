import { execFileSync } from 'node:child_process';
import { fstatSync } from 'node:fs';
import { isatty } from 'node:tty';
import { procSelfStat } from '../util/proc-stat';

/**
 * Whether this process may open an interactive console: stdin and stdout are terminals, and
 * the process is in the terminal's foreground process group. A background job that read
 * the terminal (or switched it to raw mode) would be stopped by SIGTTIN/SIGTTOU, and a robot
 * node must never be stopped by its terminal; under systemd, `ros2 launch` or a pipe there is
 * no terminal at all. Nothing here touches process.stdin, so asking never reads it.
 */
export function canOpenConsole(): { ok: boolean; why: string } {
  if (!isatty(0) || !isatty(1)) return { ok: false, why: 'stdin/stdout is not a terminal' };
  const fg = inForegroundGroup();
  if (fg === undefined) return { ok: false, why: 'cannot tell whether the process is in the foreground of its terminal' };
  return fg ? { ok: true, why: 'foreground of a terminal' } : { ok: false, why: 'started in the background of its terminal' };
}

/** True when the terminal on fd 0 has this process's group in the foreground; undefined when unknown. */
export function inForegroundGroup(): boolean | undefined {
  const linux = fromProc();
  if (linux !== undefined) return linux;
  try {
    // macOS and the BSDs: ps knows the terminal's foreground group.
    const [tpgid, pgid] = execFileSync('ps', ['-o', 'tpgid=', '-o', 'pgid=', '-p', String(process.pid)], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .split(/\s+/)
      .map(Number);
    return tpgid !== undefined && pgid !== undefined && tpgid > 0 ? tpgid === pgid : undefined;
  } catch {
    return undefined;
  }
}

/** /proc/self/stat: pgrp, tty_nr and tpgid (the controlling terminal's foreground group). */
function fromProc(): boolean | undefined {
  const f = procSelfStat();
  if (!f) return undefined;
  const pgrp = Number(f[2]);
  const ttyNr = Number(f[4]);
  const tpgid = Number(f[5]);
  if (!Number.isFinite(tpgid) || tpgid <= 0 || ttyNr === 0) return false;
  // stdin must be that controlling terminal, not some other one handed to us.
  try {
    if (fstatSync(0).rdev !== ttyNr) return false;
  } catch {
    return false;
  }
  return tpgid === pgrp;
}
