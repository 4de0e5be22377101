// Unit: the LoggerPort adapter on a real Powertools logger, read back from the JSON lines it writes.

import { describe, expect, it } from '@jest/globals';
import { Logger } from '@aws-lambda-powertools/logger';
import { PowertoolsLogger } from '../../src/adapters/powertools/powertools-logger.js';
import { captureOutputPerTest } from '../support/captured-output.js';

const output = captureOutputPerTest();

/** The log lines written so far, parsed. */
const lines = (): Record<string, unknown>[] =>
  output.lines().map((line) => JSON.parse(line) as Record<string, unknown>);

describe('PowertoolsLogger', () => {
  it.each(['debug', 'info', 'warn', 'error'] as const)(
    'writes a %s line with the message and its fields at the top level',
    (level) => {
      const logger = new PowertoolsLogger(new Logger({ serviceName: 'roomcast-test', logLevel: 'DEBUG' }));

      logger[level]('room joined', { room: 'lobby', members: 3 });

      expect(lines()).toEqual([
        expect.objectContaining({
          level: level.toUpperCase(),
          message: 'room joined',
          service: 'roomcast-test',
          room: 'lobby',
          members: 3,
        }),
      ]);
    },
  );

  it.each(['debug', 'info', 'warn', 'error'] as const)('writes a %s line without fields', (level) => {
    const logger = new PowertoolsLogger(new Logger({ serviceName: 'roomcast-test', logLevel: 'DEBUG' }));

    logger[level]('ping');

    expect(lines()).toEqual([expect.objectContaining({ level: level.toUpperCase(), message: 'ping' })]);
  });
});
