import { clearScreenDown, cursorTo, moveCursor, type Interface } from 'node:readline';
import stringWidth from 'string-width';

/**
 * Output above the prompt while the user may be typing: every line is written above the
 * prompt line, which is redrawn with what was typed so far. A live line (a reply as it
 * streams) is rewritten in place while it is the last line, cut to one row so that
 * rewriting never has to count wrapped rows. Without a terminal (tests, pipes) lines are
 * plain and live updates are skipped; only their final text is printed.
 */
export interface Screen {
  /** A permanent line. With `key`, it goes above that key's live line, which stays the last line. */
  print(line: string, key?: string): void;
  /** Shows `line` as the live line for `key`, replacing the previous one when it is still the last. */
  live(key: string, line: string): void;
  /** Ends the live line for `key` with its final (full, wrapping) text. */
  finish(key: string, line: string): void;
  /** Clears the prompt line (before the console gives the terminal back). */
  clearPrompt(): void;
}

export function createScreen(rl: Interface, out: NodeJS.WritableStream & { columns?: number; isTTY?: boolean }, terminal: boolean): Screen {
  let lastLive: { key: string; text: string } | undefined;

  const above = (write: () => void) => {
    if (!terminal) return write();
    const pos = rl.getCursorPos();
    moveCursor(out, 0, -pos.rows);
    cursorTo(out, 0);
    clearScreenDown(out);
    write();
    rl.prompt(true);
  };

  /** Removes the live line of `key` when it is the last one printed; true when it did. */
  const takeLive = (key: string): boolean => {
    if (!terminal || lastLive?.key !== key) return false;
    moveCursor(out, 0, -1);
    cursorTo(out, 0);
    clearScreenDown(out);
    return true;
  };
  const showLive = (key: string, text: string) => {
    out.write(`${fitRow(text, (out.columns ?? 80) - 1)}\n`);
    lastLive = { key, text };
  };

  return {
    print(line, key) {
      above(() => {
        const live = key !== undefined && lastLive?.key === key ? lastLive : undefined;
        if (live) takeLive(live.key);
        out.write(`${line}\n`);
        lastLive = undefined;
        if (live) showLive(live.key, live.text);
      });
    },
    live(key, line) {
      if (!terminal) return;
      above(() => {
        takeLive(key);
        showLive(key, line);
      });
    },
    finish(key, line) {
      above(() => {
        takeLive(key);
        out.write(`${line}\n`);
        if (lastLive?.key === key) lastLive = undefined;
      });
    },
    clearPrompt() {
      if (!terminal) return;
      const pos = rl.getCursorPos();
      moveCursor(out, 0, -pos.rows);
      cursorTo(out, 0);
      clearScreenDown(out);
    },
  };
}

/** The line's head and as much of its tail as fits one terminal row, `…` between. */
export function fitRow(line: string, columns: number): string {
  if (stringWidth(line) <= columns) return line;
  const chars = Array.from(line);
  const head = chars.slice(0, Math.min(8, chars.length));
  let width = stringWidth(head.join('')) + 1;
  const tail: string[] = [];
  for (let i = chars.length - 1; i >= head.length; i--) {
    const w = stringWidth(chars[i] as string);
    if (width + w > columns) break;
    width += w;
    tail.unshift(chars[i] as string);
  }
  return `${head.join('')}…${tail.join('')}`;
}
