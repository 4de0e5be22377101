// Build tooling (`make build`): one esbuild bundle per function of the route table, for Lambda's
// nodejs22.x with the options of scripts/esbuild-options.mjs, zipped reproducibly:
// fixed timestamps and modes, sorted entries, so an unchanged function gives a byte-identical zip.
import { build } from 'esbuild';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import yazl from 'yazl';
import { functionBuildOptions } from './esbuild-options.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const table = JSON.parse(await readFile(join(root, 'src/handlers/route-table.json'), 'utf8'));
const only = process.argv.slice(2);
const names = Object.keys(table.functions).filter((name) => only.length === 0 || only.includes(name));
const FIXED_TIME = new Date('2000-01-01T00:00:00Z');

async function bundle(name) {
  const dir = join(out, 'functions', name);
  await rm(dir, { recursive: true, force: true });
  const result = await build(
    functionBuildOptions(
      join(root, 'src/handlers/functions', table.functions[name].entry),
      join(dir, 'index.mjs'),
    ),
  );
  return { dir, result };
}

function zip(dir, target, files) {
  return new Promise((resolve, reject) => {
    const archive = new yazl.ZipFile();
    for (const file of [...files].sort()) {
      archive.addFile(join(dir, file), file, { mtime: FIXED_TIME, mode: 0o100644, compress: true });
    }
    archive.end();
    archive.outputStream.pipe(createWriteStream(target)).on('close', resolve).on('error', reject);
  });
}

await mkdir(out, { recursive: true });
const rows = [];
for (const name of names) {
  const { dir } = await bundle(name);
  const code = await readFile(join(dir, 'index.mjs'));
  const target = join(out, `${name}.zip`);
  await zip(dir, target, ['index.mjs', 'index.mjs.map']);
  rows.push({
    function: name,
    'bundle KiB': (code.length / 1024).toFixed(1),
    'gzip KiB': (gzipSync(code).length / 1024).toFixed(1),
    'zip KiB': ((await stat(target)).size / 1024).toFixed(1),
  });
}
console.table(rows);
