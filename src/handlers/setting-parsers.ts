// Composition support: how each setting's raw environment value is checked and read (settings.ts pairs
// them with their variables); a value that does not fit is a ConfigError naming the variable.

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type Env = Readonly<Record<string, string | undefined>>;

export type Parse<T> = (value: string, variable: string) => T;

export const text: Parse<string> = (value) => value;

export const nonEmpty: Parse<string> = (value, variable) => {
  if (value === '') throw new ConfigError(`${variable} must not be empty`);
  return value;
};

export const positiveInteger: Parse<number> = (value, variable) => {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1) {
    throw new ConfigError(`${variable} must be a positive integer, got "${value}"`);
  }
  return parsed;
};

/** A positive integer, or 0 for "off". */
export const countOrOff: Parse<number> = (value, variable) =>
  value === '0' ? 0 : positiveInteger(value, variable);

/** A positive number, or 0 for "off". */
export const rateOrOff: Parse<number> = (value, variable) => {
  if (value === '0') return 0;
  const parsed = Number(value);
  if (!(parsed > 0) || !Number.isFinite(parsed)) {
    throw new ConfigError(`${variable} must be a positive number, got "${value}"`);
  }
  return parsed;
};

export const DAY_MS = 86_400_000;
export const days: Parse<number> = (value, variable) => positiveInteger(value, variable) * DAY_MS;

/** A non-negative whole number of milliseconds (0 allowed). */
export const milliseconds: Parse<number> = (value, variable) => {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) {
    throw new ConfigError(`${variable} must be a whole number of milliseconds, got "${value}"`);
  }
  return parsed;
};

export const url: Parse<string> = (value, variable) => {
  try {
    return new URL(value).toString().replace(/\/+$/, '');
  } catch {
    throw new ConfigError(`${variable} must be a URL, got "${value}"`);
  }
};

export const list: Parse<string[]> = (value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

export function oneOf<T extends string>(...choices: T[]): Parse<T> {
  return (value, variable) => {
    if (!(choices as string[]).includes(value)) {
      throw new ConfigError(
        `${variable} must be ${choices.map((c) => `"${c}"`).join(' or ')}, got "${value}"`,
      );
    }
    return value as T;
  };
}

/** `on`/`true` or `off`/`false`, in any case. */
export const onOff: Parse<boolean> = (value, variable) => {
  const normal = value.toLowerCase();
  if (normal === 'on' || normal === 'true') return true;
  if (normal === 'off' || normal === 'false' || normal === '') return false;
  throw new ConfigError(`${variable} must be "on" or "off", not "${value}"`);
};
