// Client SDK: request ids (to match replies) and client message ids (idempotency keys for sends).

import type { Random } from './clock.js';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

function randomWord(random: Random, length: number): string {
  let word = '';
  for (let i = 0; i < length; i += 1) word += ALPHABET[Math.floor(random() * ALPHABET.length)] ?? '0';
  return word;
}

export class IdSource {
  private requests = 0;
  private messages = 0;
  /**
   * Client message ids are kept by the service per user and conversation for days, across page
   * reloads; a random prefix per client keeps one session's ids apart from another's.
   */
  private readonly session: string;

  constructor(random: Random) {
    this.session = randomWord(random, 10);
  }

  /** 1-64 printable ASCII characters, as the protocol requires. */
  requestId(): string {
    return `r${(this.requests += 1).toString(36)}`;
  }

  /** 1-64 characters from `A-Z a-z 0-9 _ . : -`. */
  clientMsgId(): string {
    return `${this.session}-${(this.messages += 1).toString(36)}`;
  }
}
