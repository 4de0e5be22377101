// Local stack, hot reload: builds one generation of the handlers. esbuild bundles every function of the
// route table from the current sources into one fresh module (ESM modules cannot be evicted from Node's
// cache, so each generation is a new file), with its own composition root, and imports it.

import { build, type BuildFailure, type Message } from 'esbuild';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LambdaHandler } from '../emulator/gateway-config.js';

export interface GenerationSource {
  /** The repository root: the folder holding `src/` and `node_modules/`. */
  readonly root: string;
  /** Function name -> entry file under `src/handlers/functions/` (the route table's `functions`). */
  readonly entries: Readonly<Record<string, string>>;
  /** Where bundles are written, under the root so that their package imports resolve. */
  readonly outDir: string;
}

export interface HandlerGeneration {
  readonly number: number;
  readonly functions: Readonly<Record<string, LambdaHandler>>;
  /** Absolute paths of the source files the bundle was built from: only their changes matter. */
  readonly inputs: ReadonlySet<string>;
  /** Closes the generation's SDK clients; best effort. */
  close(): void;
}

/** A build that esbuild refused: the previous generation keeps serving. */
export class GenerationBuildError extends Error {
  override readonly name = 'GenerationBuildError';
}

interface GenerationModule {
  readonly functions: Record<string, LambdaHandler>;
  readonly closeGenerationClients: () => void;
}

const FUNCTIONS_DIR = 'src/handlers/functions';

/** The bundle's entry, written for esbuild's stdin: every function's handler, and the clients' closer. */
function entrySource(entries: Readonly<Record<string, string>>): string {
  const names = Object.keys(entries);
  const imports = names.map(
    (name, index) => `import { handler as f${index} } from './${entries[name] as string}';`,
  );
  const table = names.map((name, index) => `  ${JSON.stringify(name)}: f${index},`);
  return [
    ...imports,
    `export { closeGenerationClients } from '../../local/hot-reload/generation-clients.ts';`,
    `export const functions = {`,
    ...table,
    `};`,
  ].join('\n');
}

function describeMessages(messages: readonly Message[]): string {
  return messages
    .map((message) => {
      const where = message.location
        ? `${message.location.file}:${message.location.line}:${message.location.column + 1}: `
        : '';
      const line = message.location?.lineText ? `\n    ${message.location.lineText.trim()}` : '';
      return `  ${where}${message.text}${line}`;
    })
    .join('\n');
}

export async function buildGeneration(source: GenerationSource, number: number): Promise<HandlerGeneration> {
  const outfile = join(source.outDir, `handlers-${number}.mjs`);
  let result;
  try {
    result = await build({
      stdin: {
        contents: entrySource(source.entries),
        resolveDir: join(source.root, FUNCTIONS_DIR),
        sourcefile: 'hot-reload-entry.ts',
        loader: 'ts',
      },
      absWorkingDir: source.root,
      outfile,
      write: false,
      bundle: true,
      // Packages stay imports of node_modules: they do not change between generations, and leaving
      // them out keeps a rebuild at tens of milliseconds.
      packages: 'external',
      platform: 'node',
      target: 'node20',
      format: 'esm',
      sourcemap: 'inline',
      metafile: true,
      logLevel: 'silent',
    });
  } catch (error) {
    const failure = error as Partial<BuildFailure>;
    const detail = failure.errors ? describeMessages(failure.errors) : `  ${(error as Error).message}`;
    throw new GenerationBuildError(detail, { cause: error });
  }
  const output = result.outputFiles[0];
  if (output === undefined) throw new GenerationBuildError('  esbuild wrote no bundle');
  await mkdir(source.outDir, { recursive: true });
  await writeFile(outfile, output.contents);
  let loaded: GenerationModule;
  try {
    loaded = (await import(pathToFileURL(outfile).href)) as GenerationModule;
  } finally {
    // Once imported the module lives in memory (its source map inline); the file is not needed.
    await rm(outfile, { force: true });
  }
  const inputs = new Set(
    Object.keys(result.metafile.inputs)
      .filter((path) => !path.startsWith('<'))
      .map((path) => resolve(source.root, path)),
  );
  return {
    number,
    functions: loaded.functions,
    inputs,
    close: () => {
      try {
        loaded.closeGenerationClients();
      } catch {
        // A generation whose configuration never loaded has no clients to close.
      }
    },
  };
}
