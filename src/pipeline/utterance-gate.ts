/**
 * Once per utterance: the same utterance_id (e.g. on both speech topics) runs once and
 * every caller gets the first run's result. Bounded: the oldest ids are forgotten first.
 */
export function createUtteranceGate(maxIds: number) {
  const seen = new Map<string, Promise<unknown>>();
  return {
    once<T>(utteranceId: string | undefined, run: () => Promise<T>): Promise<T> {
      if (!utteranceId) return run();
      const prior = seen.get(utteranceId);
      if (prior) return prior as Promise<T>;
      const p = run();
      seen.set(utteranceId, p);
      if (seen.size > maxIds) seen.delete(seen.keys().next().value as string);
      return p;
    },
    /** True when `utteranceId` ran (or runs) already: the next caller would get that answer. */
    has: (utteranceId: string | undefined): boolean => !!utteranceId && seen.has(utteranceId),
  };
}
