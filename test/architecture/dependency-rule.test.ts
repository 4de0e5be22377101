// Architecture: the dependency rule is checked mechanically, both by reading imports and by ESLint itself.

import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const domain = join(root, 'src/domain');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [
    ...text.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]/g),
  ].map((match) => match[1] ?? match[2] ?? '');
}

describe('the dependency rule', () => {
  const files = sourceFiles(domain);

  it('finds the domain sources', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files.map((file) => [relative(root, file), file]))(
    '%s imports only from src/domain',
    (_name, file) => {
      for (const specifier of importsOf(file)) {
        expect(specifier.startsWith('.')).toBe(true);
        const target = resolve(dirname(file), specifier);
        expect(relative(domain, target).startsWith('..')).toBe(false);
      }
    },
  );

  describe('the lint rule', () => {
    const eslint = new ESLint({ cwd: root });
    const lintDomain = async (code: string): Promise<string[]> => {
      const [result] = await eslint.lintText(code, { filePath: join(domain, 'use-cases/example.ts') });
      return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
    };

    it.each([
      [
        "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const c = DynamoDBClient;",
        'no-restricted-imports',
      ],
      ["import middy from '@middy/core';\nexport const m = middy;", 'no-restricted-imports'],
      [
        "import { Logger } from '@aws-lambda-powertools/logger';\nexport const l = Logger;",
        'no-restricted-imports',
      ],
      ["import { Container } from 'inversify';\nexport const c = Container;", 'no-restricted-imports'],
      ["import { readFileSync } from 'node:fs';\nexport const r = readFileSync;", 'no-restricted-imports'],
      ["import { x } from '../../adapters/dynamodb/x.js';\nexport const y = x;", 'no-restricted-imports'],
      ['export const t = Date.now();', 'no-restricted-properties'],
      ['export const r = Math.random();', 'no-restricted-properties'],
      ['export const e = process.env.TABLE;', 'no-restricted-globals'],
      ['export const d = new Date();', 'no-restricted-syntax'],
    ])('flags %j', async (code, rule) => {
      expect(await lintDomain(code)).toContain(rule);
    });

    it('accepts a domain module that uses only its own imports', async () => {
      const code =
        "import { ChatError } from '../protocol/errors.js';\nexport const e = new ChatError('invalid_request', 'x');\n";
      expect(await lintDomain(code)).toEqual([]);
    });
  });
});
