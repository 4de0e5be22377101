// Build tooling: the esbuild options every Lambda function is bundled with, shared by `make build`
// (scripts/build-functions.mjs) and the cold-start benchmark, which must time bundles built the same way.

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
    external: ['bowser'],
    logLevel: 'warning',
    // Some bundled CommonJS dependencies call require() for Node built-ins; ESM has no require.
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  };
}
