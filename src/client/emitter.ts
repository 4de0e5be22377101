// Client SDK: a minimal typed event emitter (no Node `events`, so the SDK runs unchanged in browsers).

export type Listener<T> = (payload: T) => void;

export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(type);
    if (set === undefined) this.listeners.set(type, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  emit<K extends keyof Events>(type: K, payload: Events[K]): void {
    const set = this.listeners.get(type);
    if (set === undefined) return;
    for (const listener of [...set]) {
      // One faulty listener must not stop delivery to the others or break the SDK's bookkeeping.
      try {
        (listener as Listener<Events[K]>)(payload);
      } catch (error) {
        console.error('roomcast client: a listener threw', error);
      }
    }
  }
}
