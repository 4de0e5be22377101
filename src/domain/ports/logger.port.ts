// Port (driven): the narrow structured logger the domain writes to (Powertools in production).

export type LogFields = Readonly<Record<string, unknown>>;

export interface LoggerPort {
  /** Detail useful when investigating; off in production by default. */
  debug(message: string, fields?: LogFields): void;
  /** A normal event worth keeping, such as a fan-out's outcome. */
  info(message: string, fields?: LogFields): void;
  /** Something went wrong but the request still succeeded. */
  warn(message: string, fields?: LogFields): void;
  /** Something failed; include the error under `error`. */
  error(message: string, fields?: LogFields): void;
}
