/**
 * stop_8mb_ms / answer_8mb_ms: one 8 MB utterance (filler text in ja, zh or en) holding a stop
 * word at its start, middle or end, or disguised at its end (an invisible character inside,
 * fullwidth or halfwidth, spaces between CJK characters, stretched), handed to the pipeline: the
 * slowest time to StopMove seen by the Go2 stand-in over all of them, and to the answer (the
 * refusal of the over-long text, with the stop in it, or without a stop word). The text arrives
 * flat, as a transport decodes it; a row beside shows the plain cases as a rope.
 *
 * A file of its own so it runs in a process of its own (bench/index.ts runs each file in a
 * child): after the loaded emergency run (200 queued requests, the simulator) the heap held
 * that run's garbage, and a major GC landed inside an 8 MB read (max 107 ms in the same process,
 * 45 ms alone on the same machine).
 */
process.env.DOTENV_CONFIG_QUIET = 'true';
import { startRig } from './emergency';
import { nowMs, summarize } from './stats';
import type { BenchResult, BenchRow, Benchmark } from './types';
import type { Lang } from './workload/vocabulary';

const EIGHT_MB = 8 * 1024 * 1024;
const FILLERS: Record<Lang, string> = { ja: 'これは関係のない長い話です。', zh: '这是一段没有关系的很长的话。', en: 'this is a long ramble about nothing. ' };
const LONG_STOPS: Record<Lang, string> = { ja: '止まって', zh: '停下', en: 'stop' };
/** Invisible characters a recogniser or a keyboard leaves inside a word: zero-width space, soft hyphen, bidi mark, combining grapheme joiner, variation selector. */
const HIDDEN = ['\u200b', '\u00ad', '\u200e', '\u034f', '\ufe0f'];

/**
 * The stop word as recognisers and keyboards really deliver it, per kind (none where the kind
 * does not apply to the language): with an invisible character inside, in its fullwidth or
 * halfwidth form, with spaces between CJK characters, stretched.
 */
const DISGUISED: Record<string, Partial<Record<Lang, (hidden: string) => string>>> = {
  'an invisible character inside': { ja: (h) => `止${h}まって`, zh: (h) => `停${h}下`, en: (h) => `st${h}op` },
  'fullwidth or halfwidth': { ja: () => 'ｽﾄｯﾌﾟ', en: () => 'ＳＴＯＰ' },
  'spaces between CJK characters': { ja: () => '止 ま っ て', zh: () => '停 下' },
  stretched: { ja: () => 'ストーップ', en: () => 'stooop' },
};

/** 8 MB of filler (UTF-16 length: what the pipeline sees) with `word` at `where`. */
function eightMegabytes(lang: Lang, word: string, where: 'start' | 'middle' | 'end'): string {
  const filler = FILLERS[lang].repeat(Math.ceil(EIGHT_MB / FILLERS[lang].length)).slice(0, EIGHT_MB - word.length - 2);
  if (where === 'start') return `${word} ${filler}`;
  if (where === 'end') return `${filler} ${word}`;
  const half = Math.floor(filler.length / 2);
  return `${filler.slice(0, half)} ${word} ${filler.slice(half)}`;
}

/**
 * The text as a transport hands it over: decoded from the wire into one flat string (here JSON,
 * as the HTTP API parses a request), not the rope the concatenations above build in memory,
 * which V8 copies into a flat string (16 MB of UTF-16) on the pipeline's first read of it.
 */
function asDelivered(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

/**
 * stop_8mb_ms is the slowest StopMove over every case: plain stop words at the start, middle and
 * end, and each disguised kind at the end (the whole text is read before it is found).
 */
export async function runLongInput(quick: boolean): Promise<BenchResult> {
  const rig = await startRig();
  const stopMs = new Map<string, number[]>();
  const ropeMs: number[] = [];
  const answerMs: number[] = [];
  const noStopMs: number[] = [];
  const hand = async (text: string): Promise<{ stop: number; answer: number }> => {
    const seen = rig.nextStop();
    const t0 = nowMs();
    const answered = rig.app.pipeline.handle({ text, origin: 'speech_text' });
    const stop = await seen;
    await answered;
    return { stop: stop - t0, answer: nowMs() - t0 };
  };
  const record = (kind: string, r: { stop: number; answer: number }) => {
    stopMs.set(kind, [...(stopMs.get(kind) ?? []), r.stop]);
    answerMs.push(r.answer);
  };
  try {
    const langs: Lang[] = quick ? ['en'] : ['ja', 'zh', 'en'];
    const wheres = quick ? (['end'] as const) : (['start', 'middle', 'end'] as const);
    const rounds = quick ? 1 : 3;
    for (let r = 0; r < rounds; r++) {
      for (const [l, lang] of langs.entries()) {
        const hidden = HIDDEN[(r * langs.length + l) % HIDDEN.length] as string;
        for (const where of wheres) {
          record('plain, at the start, middle or end', await hand(asDelivered(eightMegabytes(lang, LONG_STOPS[lang], where))));
          ropeMs.push((await hand(eightMegabytes(lang, LONG_STOPS[lang], where))).stop);
        }
        for (const [kind, make] of Object.entries(DISGUISED)) {
          const word = make[lang];
          if (word) record(`${kind}, at the end`, await hand(asDelivered(eightMegabytes(lang, word(hidden), 'end'))));
        }
        // No stop word at all: the answer only (the refusal of the over-long text).
        const text = asDelivered(FILLERS[lang].repeat(Math.ceil(EIGHT_MB / FILLERS[lang].length)).slice(0, EIGHT_MB));
        const t0 = nowMs();
        await rig.app.pipeline.handle({ text, origin: 'speech_text' });
        noStopMs.push(nowMs() - t0);
      }
    }
  } finally {
    await rig.close();
  }
  const row = (what: string, xs: number[]): BenchRow => {
    const s = summarize(xs);
    return { what, n: s.n, p50: s.p50, p95: s.p95, p99: s.p99, mean: s.mean, unit: 'ms' };
  };
  const all = [...stopMs.values()].flat();
  return {
    rows: [
      ...[...stopMs].map(([kind, xs]) => row(`8 MB utterance, stop word ${kind} -> StopMove`, xs)),
      row('8 MB utterance, any of the above -> StopMove', all),
      row('8 MB utterance built in memory (a rope, flattened on the first read), plain stop word -> StopMove (not a key)', ropeMs),
      row('8 MB utterance with a stop word -> answer (refused as too long, stop in the record)', answerMs),
      row('8 MB utterance without a stop word -> answer (refused as too long)', noStopMs),
    ],
    keys: { stop_8mb_ms: Math.max(...all), answer_8mb_ms: Math.max(...answerMs, ...noStopMs) },
    notes: [
      'keys are the slowest sample over every case (position, disguise and language), not a percentile; filler text in ja, zh and en, the whole app on the memory transport',
      'the text is handed over flat, as a transport decodes it (JSON here); the rope row shows what V8 adds when it must first flatten a text concatenated in memory',
      `invisible characters used in turn: ${HIDDEN.map((h) => `U+${(h.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`).join(', ')}`,
    ],
  };
}

export const benchmarks: Benchmark[] = [
  {
    name: 'long-input',
    keys: ['stop_8mb_ms', 'answer_8mb_ms'],
    run: (ctx) => runLongInput(ctx.quick),
  },
];
