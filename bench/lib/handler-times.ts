// Bench support: the sendMessage handler's durations as the local stack's emulator logs them, for the
// end-to-end benchmark's per-message cost.

/** Collects the handler durations the emulator logs, for the sendMessage route only. */
export class HandlerTimes {
  private samples: number[] = [];

  readonly log = (entry: { kind: string; route: string; ms: number }): void => {
    if (entry.kind === 'MESSAGE' && entry.route === 'sendMessage') this.samples.push(entry.ms);
  };

  reset(): void {
    this.samples = [];
  }

  all(): readonly number[] {
    return this.samples;
  }
}
