// Types for scripts/esbuild-options.mjs, so the TypeScript benchmarks can import the shared build options.
import type { BuildOptions } from 'esbuild';

export function functionBuildOptions(entry: string, outfile: string): BuildOptions;
