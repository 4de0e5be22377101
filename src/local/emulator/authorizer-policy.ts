// Local emulator: how API Gateway reads a REQUEST authorizer's answer: identity sources must be present
// before it runs, and its IAM policy must allow (and not deny) the `$connect` method ARN.

export type HeaderLookup = (name: string) => string | undefined;

/** Every identity source (`route.request.header.X`, `route.request.querystring.x`) is non-blank. */
export function identitySourcesPresent(
  sources: readonly string[],
  header: HeaderLookup,
  query: URLSearchParams,
): boolean {
  return sources.every((source) => {
    const named = /^route\.request\.header\.(.+)$/.exec(source);
    if (named) return (header(named[1] as string) ?? '').trim() !== '';
    const param = /^route\.request\.querystring\.(.+)$/.exec(source);
    if (param) return (query.get(param[1] as string) ?? '').trim() !== '';
    return true;
  });
}

interface Statement {
  readonly Effect?: unknown;
  readonly Resource?: unknown;
}

/** Resources may use `*` wildcards; everything else matches literally. */
function resourceMatches(resource: unknown, methodArn: string): boolean {
  const list: unknown[] = Array.isArray(resource) ? resource : [resource];
  return list.some((r) => {
    if (typeof r !== 'string') return false;
    const literalParts = r.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    return new RegExp(`^${literalParts.join('.*')}$`).test(methodArn);
  });
}

/** An explicit Deny on a matching statement wins over any Allow. */
export function policyAllows(result: unknown, methodArn: string): boolean {
  const statements = (result as { policyDocument?: { Statement?: unknown } } | null)?.policyDocument
    ?.Statement;
  if (!Array.isArray(statements)) return false;
  const relevant = (statements as Statement[]).filter((s) => resourceMatches(s.Resource, methodArn));
  return relevant.some((s) => s.Effect === 'Allow') && !relevant.some((s) => s.Effect === 'Deny');
}

/** Context values reach integrations as strings, as API Gateway passes them on. */
export function authorizerContext(result: unknown, integrationLatency: number): Record<string, unknown> {
  const { context, principalId } = (result ?? {}) as { context?: unknown; principalId?: unknown };
  const values =
    context === null || typeof context !== 'object'
      ? {}
      : Object.fromEntries(Object.entries(context).map(([key, value]) => [key, String(value)]));
  return { ...values, principalId: String(principalId ?? ''), integrationLatency };
}
