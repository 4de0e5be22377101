// Build tooling (`make client`): the installable client package, packages/client/dist/. The SDK's source
// (src/client, and the domain's protocol modules it imports) becomes plain ESM for browsers and Node, and
// its type declarations; `npm pack packages/client` then makes the tarball people install.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'packages/client/dist');

/** The package's entries (its `exports`): the React bindings are built when their source exists. */
const entries = [
  { name: 'index', source: 'src/client/index.ts' },
  { name: 'react', source: ['src/client/react/index.ts', 'src/client/react/index.tsx'].find(isFile) },
].filter((entry) => entry.source !== undefined);

function isFile(path) {
  return existsSync(join(root, path));
}

/**
 * One build for every entry, with code splitting: `./react` imports the client from a chunk it shares
 * with `.`, so an application using both holds one `RoomcastClient` class, not two. Not minified: the
 * application's bundler minifies, and readable code is easier to debug.
 */
async function bundle() {
  await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(entries.map((entry) => [entry.name, entry.source])),
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    // Neither Node's nor the browser's: the same files serve both.
    platform: 'neutral',
    target: 'es2022',
    jsx: 'automatic',
    external: ['react', 'react/*', 'react-dom', 'react-dom/*'],
    chunkNames: 'chunks/[name]-[hash]',
    legalComments: 'none',
    logLevel: 'warning',
  });
}

/**
 * Declarations for the entries and every module they reach (dist/types/, mirroring src/), emitted by the
 * compiler so that they are exactly what the source says. Type errors fail the build: a declaration
 * emitted from code that does not compile may not resolve for the people who install it.
 */
function declarations() {
  const options = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    // The DOM's timers and nothing from Node: the package must compile for a browser page.
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    types: [],
    jsx: ts.JsxEmit.ReactJSX,
    strict: true,
    skipLibCheck: true,
    declaration: true,
    emitDeclarationOnly: true,
    rootDir: join(root, 'src'),
    declarationDir: join(out, 'types'),
  };
  const program = ts.createProgram(
    entries.map((entry) => join(root, entry.source)),
    options,
  );
  const result = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
  if (diagnostics.length > 0) {
    const host = {
      getCanonicalFileName: (name) => name,
      getCurrentDirectory: () => root,
      getNewLine: () => '\n',
    };
    throw new Error(`the client's declarations:\n${ts.formatDiagnostics(diagnostics, host)}`);
  }
}

await rm(out, { recursive: true, force: true });
await bundle();
declarations();
console.log(`packages/client/dist: ${entries.map((entry) => `${entry.name} <- ${entry.source}`).join(', ')}`);
