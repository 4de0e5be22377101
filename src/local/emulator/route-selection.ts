// Local emulator: API Gateway's route selection expression (`$request.body.action` and friends).
// Variables may be braced (`${request.body.a}-beta`), several may appear, `\$` is a literal `$`;
// a missing path yields "", non-strings are stringified, and a body that is not JSON has no route.

const VARIABLE =
  /\\\$|\$\{request\.body((?:\.[A-Za-z0-9_$-]+|\[\d+\])*)\}|\$request\.body((?:\.[A-Za-z0-9_$-]+|\[\d+\])*)/g;

/** Parses the steps of a JSONPath suffix such as `.a.b[0]`. */
function steps(path: string): (string | number)[] {
  return [...path.matchAll(/\.([A-Za-z0-9_$-]+)|\[(\d+)\]/g)].map((match) =>
    match[1] !== undefined ? match[1] : Number(match[2]),
  );
}

function lookUp(body: unknown, path: string): unknown {
  let current: unknown = body;
  for (const step of steps(path)) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, step)) return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

/** How API Gateway turns a selected value into route-key text: arrays read like `[a, b]`. */
function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(stringify).join(', ')}]`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Evaluates the expression against a raw text frame. Returns undefined when the frame is not JSON
 * (API Gateway then uses `$default`).
 */
export function selectRouteKey(expression: string, frame: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(frame);
  } catch {
    return undefined;
  }
  return expression.replace(VARIABLE, (match, braced: string | undefined, bare: string | undefined) => {
    if (match === '\\$') return '$';
    return stringify(lookUp(body, braced ?? bare ?? ''));
  });
}
