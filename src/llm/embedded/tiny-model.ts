import { byteBpeVocab, byteToUnicode } from './byte-bpe-vocab';
import { writeGguf, type GgufTensor, type GgufValue } from './gguf-writer';

/**
 * A tiny llama-architecture model with seeded random weights, written as GGUF. It is NOT a
 * model of anything: it exists so tests, benchmarks and users without weights can run the
 * real inference engine (tokenizer, chat template, grammar-constrained sampling, KV cache,
 * cancellation) end to end. Same options, same bytes, on every run and machine.
 */
export interface TinyModelOptions {
  seed: number;
  layers: number;
  embd: number;
  heads: number;
  ff: number;
  context: number;
}

export const TINY_MODEL_DEFAULTS: TinyModelOptions = { seed: 19, layers: 2, embd: 64, heads: 4, ff: 128, context: 4096 };

/** The ChatML template (as Qwen2.5 uses), so the engine renders prompts as it would for the real model. */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

const SHAPE_CONSTANT = 8;
/** About what dimension 0 becomes after the final RMS norm (the other dimensions are ~U(-1,1)). */
const SHAPE_NORMED = 6.5;
const UNICODE_OF_BYTE = byteToUnicode();
const HIGH_OR_CONTROL_BYTE = new Set(UNICODE_OF_BYTE.filter((_, b) => b >= 0x80 || b < 0x20 || b === 0x7f));

/** Logit offset (nats) of a token: quotes end strings soon, letters and spaces are preferred, high and control bytes all but forbidden. */
function tokenPreference(token: string, control: boolean): number {
  if (control || HIGH_OR_CONTROL_BYTE.has(token)) return -12;
  if (token === '"') return 2;
  if (/^(Ġ|[A-Za-z])+$/.test(token)) return 1;
  return 0;
}

/** mulberry32: a small, well-known seeded PRNG (deterministic across platforms). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function tinyModelGguf(opts: Partial<TinyModelOptions> = {}): Buffer {
  const o = { ...TINY_MODEL_DEFAULTS, ...opts };
  if (o.embd % o.heads !== 0) throw new Error(`embd (${o.embd}) must be a multiple of heads (${o.heads})`);
  const vocab = byteBpeVocab();
  const nVocab = vocab.tokens.length;
  const rand = prng(o.seed);
  const random = (n: number, scale: number) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = (rand() * 2 - 1) * scale;
    return a;
  };
  const ones = (n: number) => new Float32Array(n).fill(1);
  // Scaled like an initialised network (~1/sqrt(fan-in)) so activations stay finite.
  const w = (name: string, inDim: number, outDim: number): GgufTensor => ({ name, dims: [inDim, outDim], data: random(inDim * outDim, 1 / Math.sqrt(inDim)) });
  const embd = random(o.embd * nVocab, 1);
  const output = w('output.weight', o.embd, nVocab);
  // Shaping (the only non-random part): dimension 0 of every token embedding is a large
  // constant, and each output row's dimension 0 turns it into a fixed logit offset per token
  // (TOKEN_PREFERENCE). Bytes 0x80-0xFF and control bytes are then practically never
  // sampled (random weights would emit invalid UTF-8), and strings end after a few
  // characters, so a grammar-constrained answer finishes well within 128 tokens.
  for (let t = 0; t < nVocab; t++) {
    embd[t * o.embd] = SHAPE_CONSTANT;
    output.data[t * o.embd] = tokenPreference(vocab.tokens[t] as string, vocab.types[t] === 3) / SHAPE_NORMED;
  }
  const tensors: GgufTensor[] = [{ name: 'token_embd.weight', dims: [o.embd, nVocab], data: embd }];
  for (let l = 0; l < o.layers; l++) {
    const p = `blk.${l}`;
    tensors.push(
      { name: `${p}.attn_norm.weight`, dims: [o.embd], data: ones(o.embd) },
      w(`${p}.attn_q.weight`, o.embd, o.embd),
      w(`${p}.attn_k.weight`, o.embd, o.embd),
      w(`${p}.attn_v.weight`, o.embd, o.embd),
      w(`${p}.attn_output.weight`, o.embd, o.embd),
      { name: `${p}.ffn_norm.weight`, dims: [o.embd], data: ones(o.embd) },
      w(`${p}.ffn_gate.weight`, o.embd, o.ff),
      w(`${p}.ffn_up.weight`, o.embd, o.ff),
      w(`${p}.ffn_down.weight`, o.ff, o.embd),
    );
  }
  tensors.push({ name: 'output_norm.weight', dims: [o.embd], data: ones(o.embd) }, output);

  const u32 = (value: number): GgufValue => ({ type: 'u32', value });
  const metadata: Array<[string, GgufValue]> = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: `claudia-tiny-random-seed${o.seed}` }],
    ['general.description', { type: 'string', value: 'Random weights written by claudia-llm tiny-model: not a model of anything; for engine smoke tests only.' }],
    ['llama.context_length', u32(o.context)],
    ['llama.embedding_length', u32(o.embd)],
    ['llama.block_count', u32(o.layers)],
    ['llama.feed_forward_length', u32(o.ff)],
    ['llama.attention.head_count', u32(o.heads)],
    ['llama.attention.head_count_kv', u32(o.heads)],
    ['llama.rope.dimension_count', u32(o.embd / o.heads)],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['llama.vocab_size', u32(nVocab)],
    ['tokenizer.ggml.model', { type: 'string', value: 'gpt2' }],
    ['tokenizer.ggml.pre', { type: 'string', value: 'qwen2' }],
    ['tokenizer.ggml.tokens', { type: 'string[]', value: vocab.tokens }],
    ['tokenizer.ggml.token_type', { type: 'i32[]', value: vocab.types }],
    ['tokenizer.ggml.merges', { type: 'string[]', value: vocab.merges }],
    ['tokenizer.ggml.bos_token_id', u32(vocab.control['<|endoftext|>'])],
    ['tokenizer.ggml.eos_token_id', u32(vocab.control['<|im_end|>'])],
    ['tokenizer.ggml.padding_token_id', u32(vocab.control['<|endoftext|>'])],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: false }],
    ['tokenizer.chat_template', { type: 'string', value: CHATML_TEMPLATE }],
  ];
  return writeGguf(metadata, tensors);
}
