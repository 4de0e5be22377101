// CLI support: calls the backend HTTP API, signing requests with SigV4 (the caller's AWS credentials)
// unless the API is the local stack on loopback.

import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
}

export class ApiUnreachableError extends Error {
  override readonly name = 'ApiUnreachableError';
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** `{api}.execute-api.{region}.amazonaws.com` names its region; otherwise AWS_REGION or --region. */
export function regionOf(url: URL, fallback: string | undefined): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname)?.[1] ?? fallback;
}

export class ApiClient {
  private readonly base: URL;
  private readonly signer: SignatureV4 | undefined;

  constructor(baseUrl: string, options: { region?: string } = {}) {
    this.base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
    if (LOOPBACK.has(this.base.hostname)) return;
    const region = regionOf(this.base, options.region);
    if (region === undefined) throw new Error('Cannot tell the API region: pass --region or set AWS_REGION');
    this.signer = new SignatureV4({
      credentials: defaultProvider(),
      region,
      service: 'execute-api',
      sha256: Hash.bind(null, 'sha256'),
    });
  }

  async request(
    method: string,
    path: string,
    options: { body?: unknown; query?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<ApiResponse> {
    const url = new URL(path.replace(/^\//, ''), this.base);
    for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    let headers: Record<string, string> = {
      host: url.host,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    };
    if (this.signer !== undefined) {
      const signed = await this.signer.sign(
        new HttpRequest({
          method,
          protocol: url.protocol,
          hostname: url.hostname,
          ...(url.port ? { port: Number(url.port) } : {}),
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers,
          body,
        }),
      );
      headers = signed.headers;
    }
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body, signal: options.signal });
    } catch (error) {
      throw new ApiUnreachableError(`Cannot reach ${this.base.origin}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // A non-JSON answer (a proxy's error page, say) is shown as text.
    }
    return { status: response.status, body: parsed };
  }
}
