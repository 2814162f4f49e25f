/**
 * A GPT-2-style byte-level BPE vocabulary: the 256 byte tokens (so any UTF-8 text encodes),
 * a few merges, then the control tokens of the ChatML template. Byte tokens are spelled with
 * GPT-2's bytes-to-unicode map (printable bytes as themselves, the rest shifted to U+0100+),
 * which is what llama.cpp's "gpt2" tokenizer expects.
 */

/** GPT-2's `bytes_to_unicode()`: byte -> the character that spells it in the vocabulary. */
export function byteToUnicode(): string[] {
  const direct = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const out: string[] = [];
  let shifted = 0;
  for (let b = 0; b < 256; b++) out[b] = String.fromCodePoint(direct(b) ? b : 256 + shifted++);
  return out;
}

export const CONTROL_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] as const;

/** Merges of frequent English/JSON pairs ("Ġ" is the space byte); each adds the joined token. */
const MERGES: Array<[string, string]> = [
  ['Ġ', 't'],
  ['h', 'e'],
  ['i', 'n'],
  ['e', 'r'],
  ['a', 'n'],
  ['o', 'n'],
  ['Ġt', 'he'],
  ['"', 'a'],
  ['"', 'r'],
  ['"', ':'],
];

export interface ByteBpeVocab {
  tokens: string[];
  /** llama.cpp token types: 1 normal, 3 control. */
  types: number[];
  merges: string[];
  /** Token id of each control token. */
  control: Record<(typeof CONTROL_TOKENS)[number], number>;
  /** Token id of byte b is byteTokens[b]. */
  byteTokens: number[];
}

export function byteBpeVocab(): ByteBpeVocab {
  const tokens = byteToUnicode();
  const byteTokens = tokens.map((_, i) => i);
  for (const [a, b] of MERGES) tokens.push(a + b);
  const control = {} as ByteBpeVocab['control'];
  for (const c of CONTROL_TOKENS) {
    control[c] = tokens.length;
    tokens.push(c);
  }
  const types = tokens.map((_, i) => (i >= tokens.length - CONTROL_TOKENS.length ? 3 : 1));
  return { tokens, types, merges: MERGES.map(([a, b]) => `${a} ${b}`), control, byteTokens };
}
