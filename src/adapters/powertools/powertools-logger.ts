// Driven adapter: the domain's LoggerPort on the Powertools logger (structured JSON in CloudWatch).

import type { Logger } from '@aws-lambda-powertools/logger';
import type { LogFields, LoggerPort } from '../../domain/index.js';

export class PowertoolsLogger implements LoggerPort {
  constructor(private readonly logger: Logger) {}

  debug(message: string, fields: LogFields = {}): void {
    this.logger.debug(message, { ...fields });
  }
  info(message: string, fields: LogFields = {}): void {
    this.logger.info(message, { ...fields });
  }
  warn(message: string, fields: LogFields = {}): void {
    this.logger.warn(message, { ...fields });
  }
  error(message: string, fields: LogFields = {}): void {
    this.logger.error(message, { ...fields });
  }
}
