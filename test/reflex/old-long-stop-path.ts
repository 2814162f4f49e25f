import { toTraditionalForms } from '../../src/lang/chinese-script';
import { foldKana, normaliseText } from '../../src/lang/normalise';
import { PHRASE_LANGUAGES, shippedPhrasebook } from '../../src/lang/phrasebook';

/**
 * The oracle for the one-pass stop word scan: a copy of the `stop` part of L0's long-text path
 * before it (three regex passes: the raw text, a skeleton of it, the skeleton unstretched).
 * Whatever this finds, the scan must find too.
 */
export function createOldLongStopPath(): (raw: string) => string | undefined {
  const book = shippedPhrasebook();
  const list = PHRASE_LANGUAGES.flatMap((l) => (l === 'zh' ? [...new Set(book.zh.stop.flatMap((w) => [w, ...toTraditionalForms(w)]))] : book[l].stop));
  const words = [...new Set(list.flatMap(forms))].sort((a, b) => b.length - a.length);
  const alts = words.map((w) => {
    const esc = escape(w);
    // Katakana phrases match inside katakana since the boundary fix (ストップストップ stops), as the scan does.
    return /^[a-z0-9]/.test(w) ? `(?<![\\p{L}\\p{N}]-?)${esc}(?![\\p{L}\\p{N}])` : esc;
  });
  const any = new RegExp(words.map(escape).join('|'), 'gi');
  const at = new RegExp(alts.join('|'), 'iuy');
  const firstMatch = (text: string): string | undefined => {
    any.lastIndex = 0;
    for (let m = any.exec(text); m; m = any.exec(text)) {
      at.lastIndex = m.index;
      const ok = at.exec(text);
      if (ok) return ok[0].toLowerCase();
      any.lastIndex = m.index + 1;
    }
    return undefined;
  };
  return (raw) => {
    const direct = firstMatch(raw);
    if (direct) return direct;
    const sk = skeleton(raw);
    const viaSkeleton = sk === raw ? undefined : firstMatch(sk);
    if (viaSkeleton) return viaSkeleton;
    const un = unstretch(sk);
    return un === sk ? undefined : firstMatch(un);
  };
}

function forms(w: string): string[] {
  const n = normaliseText(w);
  return n ? [n, foldKana(n), [...n].map((ch) => (ch >= '\u3041' && ch <= '\u3096' ? String.fromCharCode(ch.charCodeAt(0) + 0x60) : ch)).join('')] : [];
}

function escape(w: string): string {
  return w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
}

function unstretch(t: string): string {
  const s = t.replace(/ー/g, '');
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; ) {
    const c = s.charCodeAt(i);
    let j = i + 1;
    while (j < s.length && s.charCodeAt(j) === c) j++;
    if (j - i >= 3 && ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a))) {
      out += s.slice(from, i + 1);
      from = j;
    }
    i = j;
  }
  return from === 0 ? s : out + s.slice(from);
}

// eslint-disable-next-line no-misleading-character-class
const SKELETON_DROP = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+|\udb40[\udc00-\uddef]/g;
const NEEDS_NFKC = /[\u3000\uff00-\uffef]/;
const CJK_SPACE = /([\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff])[\s\u3000]+(?=[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff])/g;

function skeleton(raw: string): string {
  let s = raw.replace(SKELETON_DROP, '');
  if (NEEDS_NFKC.test(s)) s = s.normalize('NFKC');
  return s.replace(CJK_SPACE, '$1');
}
