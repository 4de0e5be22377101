// Web page: who is typing in which room. A `typing: false` may never come (a closed tab), so each
// signal expires on its own after a few seconds, as docs/protocol.md advises.

const EXPIRES_MS = 6_000;

export class TypingTracker {
  private readonly typing = new Map<string, Map<string, { name: string; timer: number }>>();

  constructor(private readonly changed: (room: string) => void) {}

  update(room: string, userId: string, name: string, isTyping: boolean): void {
    let users = this.typing.get(room);
    if (users === undefined) this.typing.set(room, (users = new Map()));
    const known = users.get(userId);
    if (known !== undefined) window.clearTimeout(known.timer);
    if (isTyping) {
      const timer = window.setTimeout(() => this.update(room, userId, name, false), EXPIRES_MS);
      users.set(userId, { name, timer });
    } else {
      users.delete(userId);
    }
    this.changed(room);
  }

  /** "Ada is typing…", "Ada and Grace are typing…", or an empty string. */
  describe(room: string): string {
    const names = [...(this.typing.get(room)?.values() ?? [])].map((entry) => entry.name).sort();
    if (names.length === 0) return '';
    if (names.length === 1) return `${names[0]} is typing…`;
    if (names.length <= 3) return `${names.slice(0, -1).join(', ')} and ${names.at(-1)} are typing…`;
    return 'Several people are typing…';
  }
}
