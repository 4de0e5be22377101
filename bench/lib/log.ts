// Bench support: progress lines go to stderr, so stdout carries the results table alone.

export type Log = (line: string) => void;

export const stderrLog: Log = (line) => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

export const quietLog: Log = () => undefined;
