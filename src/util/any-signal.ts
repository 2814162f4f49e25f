/** An AbortSignal that aborts when any of the given signals does (AbortSignal.any is missing on early Node 18). */
export function anySignal(signals: Array<AbortSignal | undefined>): AbortSignal {
  const ctl = new AbortController();
  const live = signals.filter((s): s is AbortSignal => s !== undefined);
  for (const s of live) {
    if (s.aborted) {
      ctl.abort(s.reason);
      return ctl.signal;
    }
  }
  const onAbort = (ev: Event) => {
    const src = ev.target as AbortSignal;
    for (const s of live) s.removeEventListener('abort', onAbort);
    ctl.abort(src.reason);
  };
  for (const s of live) s.addEventListener('abort', onAbort, { once: true });
  return ctl.signal;
}
