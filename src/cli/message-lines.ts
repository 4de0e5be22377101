// CLI: how a stored room message is shown on a terminal (`history`, `tail`): one line, and nothing a
// sender wrote can move the cursor, recolour or retitle the operator's terminal.

export interface ShownMessage {
  readonly seq: number;
  readonly sentAt: number;
  readonly from: { readonly displayName: string };
  readonly text: string;
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

/** `#12 2026-11-30 15:20:07 Ada: hello` (UTC). */
export function messageLine(message: ShownMessage): string {
  const time = new Date(message.sentAt).toISOString().replace('T', ' ').slice(0, 19);
  return `#${message.seq} ${time} ${terminalSafe(message.from.displayName)}: ${terminalSafe(message.text)}`;
}
