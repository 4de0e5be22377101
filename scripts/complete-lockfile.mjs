// Build tooling: makes package-lock.json acceptable to `npm ci` when the registry in use does not serve
// other platforms' optional binaries (npm then leaves them out of the lockfile and `npm ci` calls the
// lockfile out of sync). Each missing optional dependency gets a version-only entry; `npm ci` skips it
// like any optional package it cannot install on this platform.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages ?? {};
const added = [];
for (const meta of Object.values({ ...packages })) {
  for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (packages[key] !== undefined) continue;
    packages[key] = { version, ...(meta.dev ? { dev: true } : {}), optional: true };
    added.push(name);
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(
  added.length === 0 ? 'lockfile complete' : `added ${added.length} optional entries: ${added.join(', ')}`,
);
