// Bench report: how numbers read in the results table and docs/performance.md; every benchmark module
// formats with these, so a figure reads the same everywhere.

export const wholeNumber = (value: number) => Math.round(value).toLocaleString('en-US');

export const decimal = (value: number, digits = 1) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '-';

/** Milliseconds, in seconds from ten of them. */
export const duration = (milliseconds: number) =>
  !Number.isFinite(milliseconds)
    ? '-'
    : milliseconds >= 10_000
      ? `${decimal(milliseconds / 1_000, 1)} s`
      : `${wholeNumber(milliseconds)} ms`;

/** A ratio, as `1.25x`. */
export const times = (value: number) =>
  !Number.isFinite(value) ? '-' : value >= 10 ? `${decimal(value, 0)}x` : `${decimal(value, 2)}x`;

export const dollars = (value: number) =>
  `$${value >= 100 ? decimal(value, 0) : value >= 1 ? decimal(value, 2) : decimal(value, 3)}`;

export const mebibytes = (value: number) => `${decimal(value, 1)} MiB`;

export const percent = (share: number) => (Number.isFinite(share) ? `${decimal(share * 100, 0)}%` : '-');

export const asyncHookCount = (count: number) =>
  count === 0 ? 'none' : count === 1 ? 'one async hook' : `${wholeNumber(count)} async hooks`;

/** `low to high`, or one value when both print alike. */
export function range(values: readonly number[], format: (value: number) => string): string {
  const low = format(Math.min(...values));
  const high = format(Math.max(...values));
  return low === high ? low : `${low} to ${high}`;
}
