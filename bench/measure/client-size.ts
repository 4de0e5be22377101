// Benchmark 10, client size, measured: what each WebSocket client library adds to a web page. One entry
// per library imports what an application constructs (our `RoomcastClient`, socket.io-client's `io`,
// Ably's `Realtime`), bundled the way an application's bundler would for a page; its bytes minified and
// gzipped are the library's cost to every visitor who loads the page.

import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { REPO_ROOT } from '../lib/children.js';

export interface ClientLibrary {
  /** How the table names it. */
  readonly library: string;
  /** The npm package whose version is reported; ours is this repository's. */
  readonly package?: string;
  /** The whole entry module: one import, re-exported so that tree shaking keeps what it needs. */
  readonly entry: string;
}

export interface ClientSizeConfig {
  readonly libraries: readonly ClientLibrary[];
}

export interface ClientBundleSize {
  readonly library: string;
  readonly version: string;
  readonly entry: string;
  readonly minifiedBytes: number;
  readonly gzipBytes: number;
}

export interface ClientSizeResult {
  readonly esbuild: string;
  readonly bundles: readonly ClientBundleSize[];
}

/** What a page's bundler does with defaults: one ESM bundle for browsers, minified and tree-shaken. */
async function bundledBytes(entry: string): Promise<Uint8Array> {
  const result = await build({
    stdin: { contents: entry, resolveDir: REPO_ROOT, sourcefile: 'page.ts', loader: 'ts' },
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error(`esbuild wrote nothing for: ${entry}`);
  return output.contents;
}

async function versionOf(name: string | undefined): Promise<string> {
  const file = join(
    REPO_ROOT,
    name === undefined ? 'packages/client' : join('node_modules', name),
    'package.json',
  );
  return (JSON.parse(await readFile(file, 'utf8')) as { version: string }).version;
}

export async function runClientSize(config: ClientSizeConfig): Promise<ClientSizeResult> {
  const bundles: ClientBundleSize[] = [];
  for (const library of config.libraries) {
    const bytes = await bundledBytes(library.entry);
    bundles.push({
      library: library.library,
      version: await versionOf(library.package),
      entry: library.entry,
      minifiedBytes: bytes.length,
      gzipBytes: gzipSync(bytes).length,
    });
  }
  return { esbuild: await versionOf('esbuild'), bundles };
}
