// Web page: the page's sources and the client SDK type-check against the browser's DOM types. The
// repository's tsconfig checks them against Node's types only; this catches browser-only mistakes.

import { describe, expect, it } from '@jest/globals';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { typeCheck } from '../support/dom-type-check.js';

const configPath = resolve(dirname(fileURLToPath(import.meta.url)), '../../web/tsconfig.json');

describe('the web page sources', () => {
  it('type-check with the DOM library and without Node types', () => {
    const { fileNames, problems } = typeCheck(configPath);
    expect(fileNames.some((file) => file.endsWith('web/app.ts'))).toBe(true);
    expect(fileNames.some((file) => file.endsWith('src/client/client.ts'))).toBe(true);
    expect(problems).toEqual([]);
  }, 30_000);
});
