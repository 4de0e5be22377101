#!/usr/bin/env node
// `npx roomcast`: runs the CLI's TypeScript source directly (tsx), so the repository needs no build.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../src/cli/main.ts');
process.exitCode = await run(process.argv.slice(2));
