// Local emulator: checks the SigV4 signature of a @connections call the way API Gateway's IAM check
// does, against the credentials the local stack hands its functions, and answers as API Gateway answers
// a call it refuses (403, with the error type the SDK reads).
//
// The expected signature is recomputed from what this server received and acts on: the method, the raw
// path it routes by, the query, the values of every header the caller signed, and the body bytes it will
// deliver (a caller's own x-amz-content-sha256 is only accepted when it is the hash of that body). Host
// and X-Amz-Date must be signed, the date fresh and the scope this API's. The canonical form comes from
// the SDK's own signer, so a request the SDK signed is never refused for a formatting difference; what
// makes a forgery fail is the HMAC key, which the recomputation never takes from the request.

import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** What API Gateway answers when it refuses a call before routing it. */
export interface SignatureRefusal {
  readonly status: 403;
  readonly errorType: string;
  readonly message: string;
}

/** API Gateway's window for the signing time, either side of its own clock. */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

const SERVICE = 'execute-api';
const ALGORITHM = 'AWS4-HMAC-SHA256';
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function refusal(errorType: string, message: string): SignatureRefusal {
  return { status: 403, errorType, message };
}

const MISSING = refusal('MissingAuthenticationTokenException', 'Missing Authentication Token');
const UNKNOWN_KEY = refusal(
  'UnrecognizedClientException',
  'The security token included in the request is invalid.',
);
const MISMATCH = refusal(
  'InvalidSignatureException',
  'The request signature we calculated does not match the signature you provided. ' +
    'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
);

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function parseAmzDate(value: string | undefined): Date | undefined {
  const parts = value === undefined ? null : AMZ_DATE.exec(value);
  if (parts === null) return undefined;
  const [, year, month, day, hour, minute, second] = parts.map(Number) as number[];
  const date = new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second!));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function amzDate(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export class RequestSignatureCheck {
  private readonly signer: SignatureV4;

  constructor(
    private readonly credentials: SigningCredentials,
    private readonly region: string,
    private readonly now: () => number,
  ) {
    this.signer = new SignatureV4({
      credentials,
      region,
      service: SERVICE,
      sha256: Hash.bind(null, 'sha256'),
      applyChecksum: false,
    });
  }

  /** Cheap and before the body is read: is there a signature at all? */
  presence(request: IncomingMessage): SignatureRefusal | undefined {
    const authorization = header(request, 'authorization');
    return authorization === undefined || !authorization.startsWith(ALGORITHM) ? MISSING : undefined;
  }

  /** Undefined when the request is signed with this API's credentials; otherwise why not. */
  async verify(request: IncomingMessage, body: Buffer): Promise<SignatureRefusal | undefined> {
    const missing = this.presence(request);
    if (missing !== undefined) return missing;
    const parsed = AUTHORIZATION.exec(header(request, 'authorization') ?? '');
    if (parsed === null) return refusal('IncompleteSignatureException', 'Authorization header is malformed');
    const [, credential = '', signedList = '', signature = ''] = parsed;
    const [accessKeyId, day, region, service, terminator, ...extra] = credential.split('/');
    if (accessKeyId !== this.credentials.accessKeyId) return UNKNOWN_KEY;
    const signedAt = parseAmzDate(header(request, 'x-amz-date'));
    if (signedAt === undefined)
      return refusal('IncompleteSignatureException', 'X-Amz-Date is missing or malformed');
    const now = this.now();
    if (Math.abs(now - signedAt.getTime()) > SIGNATURE_WINDOW_MS) {
      return refusal(
        'InvalidSignatureException',
        `Signature expired: ${amzDate(signedAt.getTime())} is now earlier than ` +
          `${amzDate(now - SIGNATURE_WINDOW_MS)} (${amzDate(now)} - 5 min.)`,
      );
    }
    if (
      day !== amzDate(signedAt.getTime()).slice(0, 8) ||
      region !== this.region ||
      service !== SERVICE ||
      terminator !== 'aws4_request' ||
      extra.length > 0
    ) {
      return refusal(
        'InvalidSignatureException',
        `Credential should be scoped to a valid region, service '${SERVICE}' and the signing day.`,
      );
    }
    const signedHeaders = signedList.split(';');
    if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) return MISMATCH;
    const headers: Record<string, string> = {};
    for (const name of signedHeaders) {
      const value = header(request, name);
      if (value === undefined) return MISMATCH;
      headers[name] = value;
    }
    const declaredHash = headers['x-amz-content-sha256'];
    if (declaredHash !== undefined && declaredHash !== createHash('sha256').update(body).digest('hex')) {
      return MISMATCH;
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    const query: Record<string, string | string[]> = {};
    for (const [name, value] of url.searchParams) {
      const known = query[name];
      query[name] = known === undefined ? value : [...(Array.isArray(known) ? known : [known]), value];
    }
    const rawPath = (request.url ?? '/').split('?')[0] ?? '/';
    const expected = await this.signer.sign(
      new HttpRequest({
        method: request.method ?? 'GET',
        protocol: 'http:',
        hostname: 'localhost',
        path: rawPath,
        query,
        headers,
        ...(body.length === 0 ? {} : { body }),
      }),
      { signingDate: signedAt, signableHeaders: new Set(signedHeaders) },
    );
    const recomputed = AUTHORIZATION.exec(String(expected.headers['authorization']));
    const ok =
      recomputed !== null &&
      recomputed[2] === signedList &&
      sameText(recomputed[3] ?? '', signature) &&
      recomputed[1] === credential;
    return ok ? undefined : MISMATCH;
  }
}
