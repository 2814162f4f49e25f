import { createRng, type Rng } from './rng';
import { ANSWER, BAD_INPUT, COMMANDS, MANNER, MEASURED, QUESTIONS, SEQUENCE, STOPS, TOPICS, type Lang } from './vocabulary';

export type ItemKind = 'repeat' | 'paraphrase' | 'novel' | 'stop' | 'bad';

/** What a correct answer to an utterance is: the script the simulated "model" follows. */
export interface Meaning {
  /** Action names in order; [] = talk only. */
  actions: string[];
  reply: string;
}

export interface WorkItem {
  seq: number;
  /** Arrival time in ms from the start of the mix. */
  at: number;
  kind: ItemKind;
  text: string;
  /** '' for bad input (the recogniser could not tell). */
  language: Lang | '';
  /** The utterance this one repeats or paraphrases. */
  of?: number;
  /** Set for everything the model may be asked (not for bad input or stops). */
  meaning?: Meaning;
  /** True when part of the burst. */
  burst: boolean;
}

export interface MixOptions {
  seed: number;
  /** Number of utterances, burst included. */
  count: number;
  /** Mean arrival rate of the Poisson process, utterances per second. */
  ratePerS: number;
  /** Utterances arriving together in one burst (a group of people talking at once). */
  burstSize: number;
  /** Mean gap inside the burst, ms. */
  burstGapMs: number;
  /** Share of each kind; must sum to 1. */
  shares: Record<ItemKind, number>;
  languages: Record<Lang, number>;
}

/** Starting weight of a new utterance family: keeps the first few from taking over (a gentler Polya urn). */
const BASE_WEIGHT = 3;

export const DEFAULT_SHARES: Record<ItemKind, number> = { repeat: 0.5, paraphrase: 0.2, novel: 0.2, stop: 0.05, bad: 0.05 };

export const DEFAULT_MIX: MixOptions = {
  seed: 20261125,
  count: 400,
  ratePerS: 0.2,
  burstSize: 12,
  burstGapMs: 300,
  shares: DEFAULT_SHARES,
  languages: { ja: 0.5, zh: 0.25, en: 0.25 },
};

/**
 * The conversation mix: seeded, so every run (and both configurations) hear exactly the
 * same utterances at the same times. Repeats prefer what was said often (people repeat
 * the commands they like), paraphrases change politeness, particles, punctuation and
 * spacing but not the meaning, novel utterances are new commands (numbers, sequences,
 * manners) or questions, never said before in the run.
 */
export function generateMix(opts: Partial<MixOptions> = {}): WorkItem[] {
  const o: MixOptions = { ...DEFAULT_MIX, ...opts };
  const total = Object.values(o.shares).reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > 1e-9) throw new Error(`mix shares must sum to 1 (got ${total})`);
  const rng = createRng(o.seed);
  const used = new Set<string>();
  const history: WorkItem[] = [];
  const weight = new Map<number, number>();
  /** root seq -> every utterance of that family (the original, its paraphrases, their repeats). */
  const families = new Map<number, WorkItem[]>();
  const rootOf = (it: WorkItem): WorkItem => (it.of === undefined ? it : (items[it.of] ? rootOf(items[it.of] as WorkItem) : it));
  const items: WorkItem[] = [];
  const times = arrivals(rng, o);

  for (let seq = 0; seq < o.count; seq++) {
    const at = times[seq]?.at ?? 0;
    const burst = times[seq]?.burst ?? false;
    let kind = pickKind(rng, o.shares);
    if ((kind === 'repeat' || kind === 'paraphrase') && history.length === 0) kind = 'novel';
    const lang = pickLang(rng, o.languages);
    let item: WorkItem | undefined;
    if (kind === 'repeat') {
      const src = pickWeighted(rng, families, weight);
      item = { seq, at, kind, text: src.text, language: src.language, of: src.seq, meaning: src.meaning, burst };
    } else if (kind === 'paraphrase') {
      for (let tries = 0; tries < 8 && !item; tries++) {
        // Paraphrase the original wording, not a paraphrase of it (no "してねね").
        const src = rootOf(pickWeighted(rng, families, weight));
        const text = paraphrase(rng, src.text, src.language as Lang);
        if (text !== src.text) item = { seq, at, kind, text, language: src.language, of: src.seq, meaning: src.meaning, burst };
      }
      if (!item) kind = 'novel';
    } else if (kind === 'stop') {
      item = { seq, at, kind, text: rng.pick(STOPS[lang]), language: lang, meaning: { actions: ['stop'], reply: stopReply(lang) }, burst };
    } else if (kind === 'bad') {
      item = { seq, at, kind, text: rng.pick(BAD_INPUT).text, language: '', meaning: { actions: [], reply: '…' }, burst };
    }
    if (!item) {
      const n = novel(rng, lang, used);
      item = { seq, at, kind: 'novel', text: n.text, language: lang, meaning: n.meaning, burst };
    }
    used.add(item.text);
    items.push(item);
    if (item.kind !== 'bad' && item.kind !== 'stop') {
      history.push(item);
      // Preferential attachment: what was said (or repeated) before is more likely to be said again.
      const root = rootOf(item).seq;
      weight.set(root, (weight.get(root) ?? BASE_WEIGHT) + 1);
      families.set(root, [...(families.get(root) ?? []), item]);
    }
  }
  return items;
}

function arrivals(rng: Rng, o: MixOptions): Array<{ at: number; burst: boolean }> {
  const out: Array<{ at: number; burst: boolean }> = [];
  const burstStart = Math.floor((o.count - o.burstSize) * 0.4);
  let t = 0;
  for (let i = 0; i < o.count; i++) {
    const inBurst = i >= burstStart && i < burstStart + o.burstSize;
    t += inBurst && i > burstStart ? rng.exp(o.burstGapMs) : rng.exp(1000 / o.ratePerS);
    out.push({ at: Math.round(t), burst: inBurst });
  }
  return out;
}

function pickKind(rng: Rng, shares: Record<ItemKind, number>): ItemKind {
  let r = rng.next();
  for (const k of ['repeat', 'paraphrase', 'novel', 'stop', 'bad'] as const) {
    r -= shares[k];
    if (r < 0) return k;
  }
  return 'repeat';
}

function pickLang(rng: Rng, w: Record<Lang, number>): Lang {
  const sum = w.ja + w.zh + w.en;
  const r = rng.next() * sum;
  return r < w.ja ? 'ja' : r < w.ja + w.zh ? 'zh' : 'en';
}

function pickWeighted(rng: Rng, families: Map<number, WorkItem[]>, weight: Map<number, number>): WorkItem {
  const roots = [...weight.keys()];
  const sum = roots.reduce((a, k) => a + (weight.get(k) ?? 0), 0);
  let r = rng.next() * sum;
  let root = roots[0] as number;
  for (const k of roots) {
    r -= weight.get(k) ?? 0;
    if (r < 0) {
      root = k;
      break;
    }
  }
  // Any utterance of that family: the original, its paraphrases, their repeats.
  return rng.pick(families.get(root) ?? []);
}

function stopReply(lang: Lang): string {
  return { ja: '止まります。', zh: '停下了。', en: 'Stopping.' }[lang];
}

function novel(rng: Rng, lang: Lang, used: Set<string>): { text: string; meaning: Meaning } {
  for (let tries = 0; tries < 50; tries++) {
    const c = compose(rng, lang);
    if (!used.has(c.text)) return c;
  }
  // The space is large; this only triggers for very long mixes. A number makes it new.
  const m = MEASURED[lang][0] as { action: string; make(n: number): string };
  let n = 10;
  while (used.has(m.make(n))) n++;
  return { text: m.make(n), meaning: { actions: [m.action], reply: '' } };
}

function compose(rng: Rng, lang: Lang): { text: string; meaning: Meaning } {
  const r = rng.next();
  if (r < 0.3) {
    const c = rng.pick(COMMANDS);
    return { text: rng.pick(c[lang]), meaning: { actions: [c.action], reply: c.reply[lang] } };
  }
  if (r < 0.42) {
    const m = rng.pick(MEASURED[lang]);
    const c = COMMANDS.find((x) => x.action === m.action);
    return { text: m.make(1 + rng.int(9)), meaning: { actions: [m.action], reply: c?.reply[lang] ?? '' } };
  }
  if (r < 0.54) {
    const a = rng.pick(COMMANDS);
    let b = rng.pick(COMMANDS);
    if (b.action === a.action) b = COMMANDS[(COMMANDS.indexOf(a) + 1) % COMMANDS.length] as typeof a;
    const pa = lang === 'ja' ? (a.ja.find((p) => /[てで]$/u.test(p)) ?? a.ja[0]) : rng.pick(a[lang]);
    return { text: SEQUENCE[lang](pa as string, rng.pick(b[lang])), meaning: { actions: [a.action, b.action], reply: `${a.reply[lang]} ${b.reply[lang]}` } };
  }
  if (r < 0.64) {
    const c = rng.pick(COMMANDS);
    return { text: rng.pick(MANNER[lang])(rng.pick(c[lang])), meaning: { actions: [c.action], reply: c.reply[lang] } };
  }
  const topic = rng.pick(TOPICS[lang]);
  return { text: rng.pick(QUESTIONS[lang])(topic), meaning: { actions: [], reply: ANSWER[lang](topic) } };
}

/** Same meaning, different surface: politeness, particles, punctuation, spacing. */
export function paraphrase(rng: Rng, text: string, lang: Lang): string {
  const bare = text.replace(/[!！?？。.]+$/u, '');
  const question = /[?？]$/u.test(text);
  const variants: string[] =
    lang === 'ja'
      ? question
        ? [`${bare}?`, `ねえ、${bare}？`, `${bare}ねえ？`, bare]
        : /[てで]$/u.test(bare)
          ? [`${bare}ください`, `${bare}ね`, `${bare}よ`, `${bare}！`, `${bare}。`, `ちょっと${bare}`, `${bare}ください！`]
          : [`${bare}！`, `${bare}。`, `${bare}ね`, `${bare}して`]
      : lang === 'zh'
        ? question
          ? [`${bare}?`, `${bare}呢？`, bare]
          : [`请${bare}`, `${bare}吧`, `${bare}！`, `${bare}。`, `麻烦你${bare}`]
        : question
          ? [`${bare}`, `hey, ${bare}?`, `${capitalise(bare)}?`]
          : [`please ${bare}`, `${bare}, please`, `${bare}!`, capitalise(bare), `could you ${bare}?`, `  ${bare} `, `${bare.replace(/ /gu, '  ')}`];
  const choices = variants.filter((v) => v !== text);
  return choices.length > 0 ? rng.pick(choices) : text;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Counts per kind, for the table. */
export function mixComposition(items: WorkItem[]): Record<ItemKind | 'burst' | 'ja' | 'zh' | 'en', number> {
  const c = { repeat: 0, paraphrase: 0, novel: 0, stop: 0, bad: 0, burst: 0, ja: 0, zh: 0, en: 0 };
  for (const i of items) {
    c[i.kind]++;
    if (i.burst) c.burst++;
    if (i.language) c[i.language]++;
  }
  return c;
}
