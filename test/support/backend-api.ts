// Test support: calls to the backend HTTP API of a local stack, each answer checked against
// docs/openapi.json (route, status, body) before the test sees it: an undocumented answer throws.

import { apiAnswerProblem } from './protocol-documents.js';

export interface ApiAnswer {
  readonly status: number;
  /** The parsed JSON body; null for an empty one. */
  readonly body: Record<string, unknown>;
}

/**
 * `body` is sent as JSON; `raw` is sent as it is (a malformed body on purpose), either with the JSON
 * content type. The answer is checked however the request was made, unless `unchecked`: for a request
 * outside the API on purpose (a path no route serves), whose answer the document has no say in.
 */
export async function callApi(
  apiUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; raw?: string; unchecked?: boolean } = {},
): Promise<ApiAnswer> {
  const sent = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    ...(sent === undefined ? {} : { body: sent, headers: { 'content-type': 'application/json' } }),
  });
  const text = await response.text();
  const route = new URL(path, 'http://api.invalid').pathname;
  const problem = options.unchecked ? undefined : apiAnswerProblem(method, route, response.status, text);
  if (problem !== undefined) throw new Error(`An answer docs/openapi.json does not describe: ${problem}`);
  return {
    status: response.status,
    body: (text === '' ? null : JSON.parse(text)) as Record<string, unknown>,
  };
}
