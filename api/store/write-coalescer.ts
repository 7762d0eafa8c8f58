/**
 * Small writes that arrive while one is in flight go to the database together in the next, as one statement:
 * under load, provider reports come by the hundred a second and each its own statement kept the database's
 * connections and this process's event loop busy with round trips. A lone write goes at once, so a quiet
 * system waits for nothing, unless `gatherMs` lets it wait that long for others (writes nobody waits on).
 */
export type CoalescedWrite<I, R> = (items: I[]) => Promise<R[]>;

interface Waiting<I, R> {
  item: I;
  resolve(result: R): void;
  reject(err: unknown): void;
}

export class WriteCoalescer<I, R> {
  private waiting: Waiting<I, R>[] = [];
  private inFlight = 0;
  private gathering: NodeJS.Timeout | undefined;

  /**
   * `write` gets the items in arrival order and answers one result per item, in the same order. With `gatherMs`, a
   * write that would start while none is in flight waits that long for more items (a full batch goes at once).
   */
  constructor(
    private readonly write: CoalescedWrite<I, R>,
    private readonly options: { maxBatch: number; parallel: number; gatherMs?: number } = { maxBatch: 200, parallel: 1 },
  ) {}

  /** Resolves with this item's result once its batch is written; rejects with the batch's error. */
  add(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    const gatherMs = this.options.gatherMs ?? 0;
    if (gatherMs > 0 && this.inFlight === 0 && this.waiting.length < this.options.maxBatch) {
      this.gathering ??= setTimeout(() => {
        this.gathering = undefined;
        this.startWrites();
      }, gatherMs);
      return;
    }
    this.startWrites();
  }

  private startWrites(): void {
    while (this.inFlight < this.options.parallel && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.inFlight++;
      this.write(batch.map((w) => w.item))
        .then(
          (results) => {
            if (results.length !== batch.length) throw new Error(`a coalesced write answered ${results.length} results for ${batch.length} items`);
            batch.forEach((w, i) => w.resolve(results[i]!));
          },
        )
        .catch((err: unknown) => batch.forEach((w) => w.reject(err)))
        .finally(() => {
          this.inFlight--;
          this.startWrites();
        });
    }
  }
}
