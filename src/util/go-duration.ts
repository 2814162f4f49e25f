/** Go's time.ParseDuration units, in nanoseconds. */
const UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's quote() for an error message (close enough: JSON escapes the same characters that matter here). */
const quote = (s: string) => JSON.stringify(s);

/**
 * Go's time.ParseDuration ("300ms", "-1.5h", "2h45m"), returning nanoseconds, with Go's
 * own error messages. Ollama parses a string keep_alive with exactly this function
 * (ollama/ollama api/types.go, Duration.UnmarshalJSON), so a string it would refuse with
 * HTTP 400 is refused here, before anything starts.
 */
export function parseGoDuration(orig: string): number {
  let s = orig;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw new Error(`time: invalid duration ${quote(orig)}`);
  let total = 0;
  while (s !== '') {
    const num = /^(\d*)(\.(\d*))?/.exec(s) as RegExpExecArray;
    const intPart = num[1] ?? '';
    const fracPart = num[3] ?? '';
    if (intPart === '' && fracPart === '') throw new Error(`time: invalid duration ${quote(orig)}`);
    s = s.slice(num[0].length);
    const unit = /^[^\d.]*/.exec(s)?.[0] ?? '';
    if (unit === '') throw new Error(`time: missing unit in duration ${quote(orig)}`);
    const scale = UNITS[unit];
    if (scale === undefined) throw new Error(`time: unknown unit ${quote(unit)} in duration ${quote(orig)}`);
    s = s.slice(unit.length);
    total += Number(`${intPart || '0'}.${fracPart || '0'}`) * scale;
    if (total > 2 ** 63 - 1) throw new Error(`time: invalid duration ${quote(orig)}`);
  }
  return neg ? -total : total;
}

/**
 * `ollama.keep_alive` as Ollama takes it: a number of seconds (also as a numeric string,
 * since YAML and `-p` give strings; sent as a JSON number) or a Go duration string.
 * Anything else throws with Go's words, as Ollama would answer 400 on every request.
 */
export function keepAliveForOllama(v: string | number): string | number {
  if (typeof v === 'number') return v;
  const t = v.trim();
  if (/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  parseGoDuration(t);
  return t;
}
