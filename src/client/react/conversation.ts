// React bindings: the state of one conversation (a room or a direct one) as the hooks show it: the
// messages the client delivered, in `seq` order, with older pages put in front by `loadOlder`, and
// what became of this application's sends.

import type {
  AmendmentEvent,
  ConversationEntryEvent,
  DirectMessageEvent,
  ReactionSummary,
  RoomMessageEvent,
} from '../protocol.js';
import { Cell } from './cell.js';
import { reduceSends, type OutgoingMessage, type SendAction } from './sends.js';

export interface ConversationView<M> {
  /** Delivered messages, oldest first, each once. */
  readonly messages: readonly M[];
  /** Older messages may exist before the first one: `loadOlder()` fetches a page of them. */
  readonly hasMore: boolean;
  readonly loadingOlder: boolean;
  /** This application's sends, oldest first; those not yet `delivered` are not in `messages`. */
  readonly sends: readonly OutgoingMessage[];
}

type AnyMessage = RoomMessageEvent | DirectMessageEvent;

const EMPTY: ConversationView<never> = { messages: [], hasMore: false, loadingOlder: false, sends: [] };

export class Conversation<M extends AnyMessage> {
  constructor(
    /** Which messages of a history page belong here (a page's type is the union of both kinds). */
    private readonly isOwn: (message: ConversationEntryEvent) => message is M,
  ) {}

  readonly view = new Cell<ConversationView<M>>(EMPTY);
  private readonly seqs = new Set<number>();
  /** A history page said nothing older is kept. */
  private exhausted = false;

  /** Appends a message the client delivered; the client delivers each once and in order. */
  deliver(message: M): void {
    const { messages, sends } = this.view.get();
    const last = messages.at(-1);
    if (last !== undefined && message.seq <= last.seq) return;
    this.seqs.add(message.seq);
    this.publish([...messages, message], {
      sends: reduceSends(sends, { type: 'delivered', seq: message.seq }),
    });
  }

  /**
   * Applies an edit (new text, `editedAt`) or a delete (empty text, `deletedAt`: show a tombstone) to the
   * message it names, when held. Older pages come from history already in their latest version.
   */
  amend(change: AmendmentEvent): void {
    const { messages } = this.view.get();
    if (!messages.some((message) => message.seq === change.target)) return;
    this.publish(
      messages.map((message) => {
        if (message.seq !== change.target) return message;
        return change.type === 'message_updated'
          ? { ...message, text: change.text, editedAt: change.at }
          : { ...message, text: '', deletedAt: change.at };
      }),
      {},
    );
  }

  /**
   * Shows a message's reactions as they now stand. A summary to the whole conversation carries no `mine`,
   * so this user's marks are kept from the last answer to `react` or history page that had them.
   */
  react(seq: number, reactions: readonly ReactionSummary[]): void {
    const { messages } = this.view.get();
    const held = messages.find((message) => message.seq === seq);
    if (held === undefined) return;
    const mine = new Set(held.reactions?.filter((r) => r.mine === true).map((r) => r.reaction));
    const marked = reactions.map((r) => ({ ...r, mine: r.mine ?? mine.has(r.reaction) }));
    this.publish(
      messages.map((message) => (message.seq === seq ? { ...message, reactions: marked } : message)),
      {},
    );
  }

  /** Puts a page of older messages (a `history` reply with `before`) in front of the others. */
  prepend(page: readonly ConversationEntryEvent[], hasMore: boolean): void {
    const { messages } = this.view.get();
    const first = messages[0]?.seq ?? Number.POSITIVE_INFINITY;
    const older = page
      .filter(this.isOwn)
      .filter((message) => message.seq < first && !this.seqs.has(message.seq));
    older.sort((a, b) => a.seq - b.seq);
    for (const message of older) this.seqs.add(message.seq);
    if (!hasMore) this.exhausted = true;
    this.publish([...older, ...messages], { loadingOlder: false });
  }

  /** The oldest `seq` held, where the next older page ends. */
  get firstSeq(): number | undefined {
    return this.view.get().messages[0]?.seq;
  }

  setLoadingOlder(loadingOlder: boolean): void {
    this.publish(this.view.get().messages, { loadingOlder });
  }

  dispatch(action: SendAction): void {
    const resolved =
      action.type === 'acked' ? { ...action, delivered: this.seqs.has(action.ack.seq) } : action;
    const sends = reduceSends(this.view.get().sends, resolved);
    if (sends !== this.view.get().sends) this.publish(this.view.get().messages, { sends });
  }

  sendOf(clientMsgId: string): OutgoingMessage | undefined {
    return this.view.get().sends.find((send) => send.clientMsgId === clientMsgId);
  }

  /** Forgets everything: the conversation was left, and a later join starts afresh. */
  reset(): void {
    this.seqs.clear();
    this.exhausted = false;
    this.view.set(EMPTY);
  }

  private publish(
    messages: readonly M[],
    change: Partial<Omit<ConversationView<M>, 'messages' | 'hasMore'>>,
  ): void {
    // Sequence numbers start at 1 and have no gaps: a first message above 1 has older ones before it.
    const hasMore = !this.exhausted && (messages[0]?.seq ?? 1) > 1;
    this.view.set({ ...this.view.get(), ...change, messages, hasMore });
  }
}
