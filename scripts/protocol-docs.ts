// Writes the protocol documents (docs/asyncapi.json, docs/openapi.json) from src/protocol-schema;
// with --check, only reports which differ and exits 1. Run by `make protocol-docs`.

import { readFile, writeFile } from 'node:fs/promises';
import { protocolDocumentFiles } from '../src/protocol-schema/documents.js';

const root = new URL('../', import.meta.url);
const check = process.argv.includes('--check');
let stale = 0;
for (const [path, contents] of Object.entries(protocolDocumentFiles())) {
  const file = new URL(path, root);
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current === contents) continue;
  if (check) {
    stale += 1;
    console.error(`${path} is out of date: run make protocol-docs`);
  } else {
    await writeFile(file, contents);
    console.log(`wrote ${path}`);
  }
}
process.exitCode = stale === 0 ? 0 : 1;
