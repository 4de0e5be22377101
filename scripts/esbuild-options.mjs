// Build tooling: the esbuild options every Lambda function is bundled with, shared by `make build`
// (scripts/build-functions.mjs) and the cold-start benchmark, which must time bundles built the same way.

/** Credential providers the default chain imports only when the environment has no credentials. */
export const FALLBACK_CREDENTIAL_PROVIDERS = [
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@smithy/credential-provider-imds',
];

/**
 * Options for one function's bundle: ESM for nodejs22.x, minified, tree-shaken, linked source maps, the
 * AWS SDK bundled, and a metafile for the size report.
 * @param {string} entry
 * @param {string} outfile
 * @returns {import('esbuild').BuildOptions}
 */
export function functionBuildOptions(entry, outfile) {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    minify: true,
    treeShaking: true,
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    metafile: true,
    // The AWS SDK's browser user-agent parser loads `bowser` with a dynamic import that only browsers
    // reach; left out, a bundle is 34 KiB (7.7 KiB gzipped) smaller, and nothing on Node ever asks for it.
    // A static import of it would fail every bundle's load in the bundle tests.
    //
    // The default credential chain reaches its other providers (profiles, SSO, web identity, process,
    // container and instance metadata) through dynamic imports, only when the environment holds no
    // credentials. Lambda always puts the function role's credentials in the environment, so they are
    // never reached there; left out, a bundle is 97 KiB (25 KiB gzipped) smaller. Were one reached, the
    // Node.js runtimes ship the AWS SDK for JavaScript v3, so the import would still resolve.
    external: ['bowser', ...FALLBACK_CREDENTIAL_PROVIDERS],
    logLevel: 'warning',
    // Some bundled CommonJS dependencies call require() for Node built-ins; ESM has no require.
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  };
}
