/** A small seeded generator (xorshift32), so sketches give the same answer for the same file. */
export function seededRandom(seed = 0x9e3779b9): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}

/**
 * Reservoir sampling (Vitter's algorithm R): after `offer` was called n times, `items` is a
 * uniform random sample of min(n, capacity) of the offered values; all of them while n <= capacity.
 */
export class Reservoir<T> {
  readonly items: T[] = [];
  private seen = 0;
  private readonly random = seededRandom();

  constructor(readonly capacity: number) {}

  /** Offers a value; `make` is only called when it is kept, so rejected values cost nothing. */
  offer(make: () => T): void {
    this.seen += 1;
    if (this.items.length < this.capacity) {
      this.items.push(make());
      return;
    }
    const slot = Math.floor(this.random() * this.seen);
    if (slot < this.capacity) this.items[slot] = make();
  }
}
