/**
 * Cooperative scheduling for long pixel loops. Sparse blocks and in-memory reads resolve without
 * I/O, so an `await` per block alone never lets timers or requests run: a pacer hands the event
 * loop a turn whenever a slice of work is used up, and stops the loop once its signal aborts.
 */
export class Pacer {
  private sliceStart = performance.now();

  /**
   * @param signal aborts the work (a per-job time limit, a lost lease); its reason is thrown.
   * @param sliceMs longest run of synchronous work between two turns of the event loop.
   */
  constructor(private readonly signal?: AbortSignal, private readonly sliceMs = 5) {}

  /** Call between units of work: yields (setImmediate) when the slice is used up. */
  async pace(): Promise<void> {
    this.signal?.throwIfAborted();
    if (performance.now() - this.sliceStart < this.sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.signal?.throwIfAborted();
    this.sliceStart = performance.now();
  }
}
