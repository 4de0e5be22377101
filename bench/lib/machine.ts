// Bench support: the machine a run happened on, described without anything that identifies it.

import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';
import type { Machine } from '../results.js';

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: (list[0]?.model ?? 'unknown').replace(/\s+/g, ' ').trim(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${osType()} ${release().split('-')[0] ?? ''}`.trim(),
    loadAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}
