import { InvalidArgumentError } from 'commander';

/**
 * Value parsers for commander options. Each throws InvalidArgumentError, which commander
 * reports as "option '--timeout <s>' argument 'abc' is invalid. <reason>" (exit 2), so the
 * message always names the flag.
 */

/** A finite number in [min, max]. */
export function numberIn(min: number, max: number, what = 'a number'): (v: string) => number {
  return (v) => {
    const n = v.trim() === '' ? NaN : Number(v);
    if (!Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`It must be ${what} ${max === Infinity ? `>= ${min}` : `from ${min} to ${max}`}.`);
    }
    return n;
  };
}

/** An integer in [min, max]. */
export function integerIn(min: number, max: number): (v: string) => number {
  const inRange = numberIn(min, max, 'an integer');
  return (v) => {
    const n = inRange(v);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`It must be an integer ${max === Infinity ? `>= ${min}` : `from ${min} to ${max}`}.`);
    return n;
  };
}

/** Seconds > 0 (a timeout or a duration that must end). */
export const positiveSeconds = (v: string): number => {
  const n = v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('It must be a number of seconds > 0.');
  return n;
};

/** Seconds >= 0. */
export const seconds = numberIn(0, Infinity, 'a number of seconds');

/** Collects a repeatable option into a list (`-p a=1 -p b=2`). */
export function collect(v: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), v];
}
