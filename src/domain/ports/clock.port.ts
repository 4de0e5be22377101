// Port (driven): the time. The domain never reads the wall clock itself, so tests control time.

export interface ClockPort {
  /** Current time in epoch milliseconds. */
  now(): number;
}
