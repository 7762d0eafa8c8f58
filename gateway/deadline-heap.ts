/**
 * Deadlines by key in a binary min-heap with an index, so that one key's deadline moves in O(log n) and the due
 * ones are taken in order: the supervisor keeps every bell's next timed change here instead of reading and
 * checking every bell on each sweep (a country's 100,000 bells, of which a sweep usually finds none due).
 *
 * A deadline moved later (every heartbeat moves its bell's) is only noted: the key keeps its place until it reaches
 * the top, and is put back at its noted time then. Sifting it down at each heartbeat cost a heartbeat two index
 * writes per level of the heap; now it costs one, and the key is re-sifted once per deadline, not per heartbeat.
 * Pure: times are plain milliseconds passed in; nothing here reads a clock.
 */
export class DeadlineHeap<K> {
  private readonly keys: K[] = [];
  /** Each key's place in the heap: its deadline, or an earlier one it has since been moved on from. */
  private readonly times: number[] = [];
  private readonly index = new Map<K, number>();
  /** Keys whose deadline moved later than their place says, with the deadline they have now. */
  private readonly postponed = new Map<K, number>();

  get size(): number {
    return this.keys.length;
  }

  /** The deadline of `key`, if it has one. */
  get(key: K): number | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : (this.postponed.get(key) ?? this.times[i]);
  }

  /** The earliest deadline, if any. */
  peek(): { key: K; at: number } | undefined {
    this.settleTop();
    return this.keys.length ? { key: this.keys[0]!, at: this.times[0]! } : undefined;
  }

  /** Sets (or moves) the deadline of `key`. */
  set(key: K, at: number): void {
    const i = this.index.get(key);
    if (i === undefined) {
      this.keys.push(key);
      this.times.push(at);
      this.index.set(key, this.keys.length - 1);
      this.up(this.keys.length - 1);
      return;
    }
    const place = this.times[i]!;
    if (at > place) {
      this.postponed.set(key, at);
      return;
    }
    this.postponed.delete(key);
    if (at === place) return;
    this.times[i] = at;
    this.up(i);
  }

  delete(key: K): boolean {
    const i = this.index.get(key);
    if (i === undefined) return false;
    this.postponed.delete(key);
    const last = this.keys.length - 1;
    this.swap(i, last);
    this.keys.pop();
    this.times.pop();
    this.index.delete(key);
    if (i < last) {
      this.up(i);
      this.down(i);
    }
    return true;
  }

  /** Removes and returns every key whose deadline is at or before `now`, earliest first. */
  popDue(now: number): K[] {
    const due: K[] = [];
    while (this.settleTop(), this.keys.length && this.times[0]! <= now) {
      const key = this.keys[0]!;
      this.delete(key);
      due.push(key);
    }
    return due;
  }

  /** Puts postponed keys at the top back at their deadlines, until the top holds its own. */
  private settleTop(): void {
    while (this.keys.length) {
      const key = this.keys[0]!;
      const at = this.postponed.get(key);
      if (at === undefined) return;
      this.postponed.delete(key);
      this.times[0] = at;
      this.down(0);
    }
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.times[parent]! <= this.times[i]!) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.keys.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let least = i;
      if (l < n && this.times[l]! < this.times[least]!) least = l;
      if (r < n && this.times[r]! < this.times[least]!) least = r;
      if (least === i) return;
      this.swap(i, least);
      i = least;
    }
  }

  private swap(a: number, b: number): void {
    if (a === b) return;
    [this.keys[a], this.keys[b]] = [this.keys[b]!, this.keys[a]!];
    [this.times[a], this.times[b]] = [this.times[b]!, this.times[a]!];
    this.index.set(this.keys[a]!, a);
    this.index.set(this.keys[b]!, b);
  }
}
