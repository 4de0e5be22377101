// CLI: how a stored room message is shown on a terminal (`history`, `tail`): one line, and nothing a
// sender wrote can move the cursor, recolour or retitle the operator's terminal.

/** A history entry: a message (maybe edited or deleted), or an edit or delete entry of its own. */
export interface ShownMessage {
  readonly seq: number;
  readonly type?: string;
  readonly sentAt?: number;
  readonly from?: { readonly displayName: string };
  readonly text?: string;
  readonly editedAt?: number;
  readonly deletedAt?: number;
  /** Edit and delete entries: the message they change, who changed it and when. */
  readonly target?: number;
  readonly by?: { readonly displayName: string };
  readonly at?: number;
}

// C0 controls, DEL and C1 controls (escape sequences start with them, line breaks would split the line),
// Unicode line separators, and the bidirectional overrides that can make a line read as another.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The text with every control character spelled out (`\n`, `\u001b`), so it stays one inert line. */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL, (char) => {
    if (char === '\n') return '\\n';
    if (char === '\t') return '\\t';
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/**
 * `#12 2026-11-30 15:20:07 Ada: hello` (UTC); `(edited)` after an edited text, `(deleted)` for a
 * tombstone, and `#14 ... Mods edited #12: new text` / `deleted #12` for the change entries.
 */
export function messageLine(message: ShownMessage): string {
  const when = message.at ?? message.sentAt ?? 0;
  const time = new Date(when).toISOString().replace('T', ' ').slice(0, 19);
  const head = `#${message.seq} ${time}`;
  if (message.type === 'message_updated' || message.type === 'message_deleted') {
    const who = terminalSafe(message.by?.displayName ?? '');
    return message.type === 'message_updated'
      ? `${head} ${who} edited #${String(message.target)}: ${terminalSafe(message.text ?? '')}`
      : `${head} ${who} deleted #${String(message.target)}`;
  }
  const who = terminalSafe(message.from?.displayName ?? '');
  if (message.deletedAt !== undefined) return `${head} ${who}: (deleted)`;
  const edited = message.editedAt === undefined ? '' : ' (edited)';
  return `${head} ${who}: ${terminalSafe(message.text ?? '')}${edited}`;
}
