// CLI: the exit codes scripts can rely on, shared by every command.

export const EXIT = { ok: 0, refused: 1, usage: 2, unreachable: 3 } as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
