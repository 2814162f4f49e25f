/** Deterministic stand-in embeddings: hashed character trigrams, L2-normalised. Similar text -> similar vectors; not a model. */
export function simEmbedding(text: string, dims = 64): number[] {
  const v = new Array<number>(dims).fill(0);
  const chars = Array.from(`  ${text.normalize('NFKC').toLowerCase()}  `);
  for (let i = 0; i + 3 <= chars.length; i++) {
    const g = chars.slice(i, i + 3).join('');
    let h = 2166136261;
    for (let j = 0; j < g.length; j++) h = Math.imul(h ^ g.charCodeAt(j), 16777619);
    const idx = (h >>> 0) % dims;
    v[idx] = (v[idx] as number) + ((h & 0x100) === 0 ? 1 : -1);
  }
  const norm = Math.sqrt(v.reduce((a, b) => a + b * b, 0)) || 1;
  return v.map((x) => x / norm);
}
