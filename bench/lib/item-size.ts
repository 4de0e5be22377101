// Bench support: DynamoDB item sizes and read units computed by DynamoDB's published rules, to check the
// consumed capacity DynamoDB Local reports (and to stand in for it if a version stops reporting it).

/** Bytes an attribute value takes: strings as UTF-8, numbers about one byte per two digits plus one. */
function valueSize(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') {
    const digits = String(Math.abs(value)).replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
    return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
  }
  if (typeof value === 'boolean' || value === null) return 1;
  if (Array.isArray(value)) return 3 + value.reduce<number>((sum, v) => sum + 1 + valueSize(v), 0);
  if (typeof value === 'object') {
    return 3 + Object.entries(value as object).reduce((sum, [k, v]) => sum + 1 + k.length + valueSize(v), 0);
  }
  return 0;
}

/** An item's size: each attribute's name plus its value. */
export function itemSize(item: Readonly<Record<string, unknown>>): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name, 'utf8') + valueSize(value),
    0,
  );
}

/**
 * Read units of one Query or Scan response: the bytes of every item evaluated, rounded up to 4 KB,
 * halved for the eventually consistent reads Query and Scan use by default.
 */
export function readUnitsOf(bytesEvaluated: number, consistent = false): number {
  const units = Math.ceil(bytesEvaluated / 4_096);
  return consistent ? units : units / 2;
}
