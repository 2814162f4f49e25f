import { readFileSync } from 'node:fs';

/**
 * The fields of /proc/self/stat after the command name (state, ppid, pgrp, session, tty_nr,
 * tpgid, ...), or undefined where there is no /proc. Read anew on each call.
 */
export function procSelfStat(): string[] | undefined {
  let stat: string;
  try {
    stat = readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return undefined;
  }
  // The command name may hold spaces and parentheses; fields restart after the last ')'.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}
