/** What the panel hears about without asking: a ticket that changed. */
export interface LiveEvent {
  type: 'ticket';
  ticketNumber: number;
  /** Why it changed: a new ticket, a message joining one, a bounce... */
  reason: string;
  /** The message the change is about, when there is one (a reply sent). */
  messageId?: string;
}

type Listener = (event: LiveEvent) => void;

/**
 * A tiny in-process publish/subscribe hub between the parts that change tickets (ingest,
 * later outbound) and the open Server-Sent Events streams. One process, so no broker.
 */
export class LiveHub {
  private readonly listeners = new Set<Listener>();

  /** Returns the function that unsubscribes. */
  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  publish(event: LiveEvent): void {
    // A copy: a listener that unsubscribes while we loop must not skip its neighbour.
    for (const fn of [...this.listeners]) fn(event);
  }

  get subscribers(): number {
    return this.listeners.size;
  }
}
