// Adapter support: the logger the SDK's HTTP handlers get keeps their warnings and errors, as structured
// lines of the service's logger, and drops their debug and info chatter.

import { describe, expect, it } from '@jest/globals';
import { sdkHttpLogger } from '../../src/adapters/system/sdk-http-logger.js';
import type { LoggerPort } from '../../src/domain/index.js';

describe('sdkHttpLogger', () => {
  it('forwards warnings and errors with the SDK’s text as detail, and drops the rest', () => {
    const lines: [string, string, unknown][] = [];
    const record =
      (level: string) =>
      (message: string, fields?: unknown): void => {
        lines.push([level, message, fields]);
      };
    const service: LoggerPort = {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    };
    const sdk = sdkHttpLogger(service);

    sdk.debug();
    sdk.info();
    sdk.warn('socket usage at capacity=50');
    sdk.error(new Error('socket hang up'));

    expect(lines).toEqual([
      ['warn', 'AWS SDK HTTP handler', { detail: 'socket usage at capacity=50' }],
      ['error', 'AWS SDK HTTP handler', { detail: 'Error: socket hang up' }],
    ]);
  });
});
