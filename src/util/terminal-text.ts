/**
 * Text from outside (LLM replies, utterances, error messages quoting them) printed to a
 * terminal must not drive the terminal: an ESC sequence can retitle the window, move the
 * cursor or hide what was printed, a CR can overwrite a line, a bidi override can reorder
 * what the operator reads. Such characters are shown escaped (`\x1B`, `\u202E`), never
 * dropped, so the operator sees that something was there. JSON output needs none of this:
 * JSON.stringify escapes C0 itself, and JSON is for programs.
 *
 * Escaped: C0 controls except tab (and newline when `newlines` is set), DEL, C1 controls
 * (U+0080..U+009F: U+009B alone is a CSI on some terminals), the bidi controls
 * (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) and U+2028/U+2029.
 */
// Control characters are exactly what these patterns look for.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028-\u202E\u2066-\u2069]/gu;
// eslint-disable-next-line no-control-regex
const UNSAFE_KEEP_NEWLINES = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028-\u202E\u2066-\u2069]/gu;

function escapeOne(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return cp <= 0xff ? `\\x${cp.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `text` with every character that could act on a terminal shown as an escape. */
export function terminalSafe(text: string, opts: { newlines?: boolean } = {}): string {
  return text.replace(opts.newlines ? UNSAFE_KEEP_NEWLINES : UNSAFE, escapeOne);
}
