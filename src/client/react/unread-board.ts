// React bindings: the unread counts the `useUnread` hook shows: filled by `unread()`, moved by this
// user's markers (`read_marker`, from any of their connections) and by messages arriving live.

import type { RoomcastError } from '../errors.js';
import type { HistoryTarget } from '../options.js';
import type { ReadMarkerEvent, UnreadEntry } from '../protocol.js';
import { Cell } from './cell.js';

export interface UnreadView {
  /** Each followed conversation's read state, most unread first. */
  readonly conversations: readonly UnreadEntry[];
  readonly truncated: boolean;
  readonly loading: boolean;
  readonly error: RoomcastError | undefined;
}

const EMPTY: UnreadView = { conversations: [], truncated: false, loading: false, error: undefined };

const sameTarget = (entry: UnreadEntry, target: HistoryTarget): boolean =>
  'room' in target ? entry.room === target.room : entry.with === target.with;

function byUnread(entries: UnreadEntry[]): UnreadEntry[] {
  return entries.sort(
    (a, b) =>
      b.unread - a.unread || (a.room ?? `~${a.with ?? ''}`).localeCompare(b.room ?? `~${b.with ?? ''}`),
  );
}

export class UnreadBoard {
  readonly view = new Cell<UnreadView>(EMPTY);

  loading(): void {
    this.view.update((view) => ({ ...view, loading: true, error: undefined }));
  }

  failed(error: RoomcastError): void {
    this.view.update((view) => ({ ...view, loading: false, error }));
  }

  /** A fresh answer to `unread()`. */
  replace(conversations: readonly UnreadEntry[], truncated: boolean): void {
    this.view.set({
      conversations: byUnread([...conversations]),
      truncated,
      loading: false,
      error: undefined,
    });
  }

  /** This user's marker moved (here or on another device). */
  marked(event: ReadMarkerEvent): void {
    const target: HistoryTarget | undefined =
      event.room !== undefined
        ? { room: event.room }
        : event.with !== undefined
          ? { with: event.with }
          : undefined;
    if (target === undefined) return;
    const entry: UnreadEntry = {
      ...target,
      readSeq: event.readSeq,
      lastSeq: event.lastSeq,
      unread: event.unread,
    };
    this.view.update((view) => ({
      ...view,
      conversations: byUnread([...view.conversations.filter((known) => !sameTarget(known, target)), entry]),
    }));
  }

  /** A message (or change) numbered `seq` arrived in a listed conversation: one more unread, unless read. */
  arrived(target: HistoryTarget, seq: number): void {
    const { conversations } = this.view.get();
    const known = conversations.find((entry) => sameTarget(entry, target));
    if (known === undefined || seq <= known.lastSeq) return;
    const moved = { ...known, lastSeq: seq, unread: Math.max(0, seq - known.readSeq) };
    this.view.update((view) => ({
      ...view,
      conversations: byUnread(view.conversations.map((entry) => (entry === known ? moved : entry))),
    }));
  }
}
