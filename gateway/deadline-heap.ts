/**
 * Deadlines by key in a binary min-heap with an index, so that one key's deadline moves in O(log n) and the due
 * ones are taken in order: the supervisor keeps every bell's next timed change here instead of reading and
 * checking every bell on each sweep (a country's 100,000 bells, of which a sweep usually finds none due).
 * Pure: times are plain milliseconds passed in; nothing here reads a clock.
 */
export class DeadlineHeap<K> {
  private readonly keys: K[] = [];
  private readonly times: number[] = [];
  private readonly index = new Map<K, number>();

  get size(): number {
    return this.keys.length;
  }

  /** The deadline of `key`, if it has one. */
  get(key: K): number | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.times[i];
  }

  /** The earliest deadline, if any. */
  peek(): { key: K; at: number } | undefined {
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
    const was = this.times[i]!;
    this.times[i] = at;
    if (at < was) this.up(i);
    else this.down(i);
  }

  delete(key: K): boolean {
    const i = this.index.get(key);
    if (i === undefined) return false;
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
    while (this.keys.length && this.times[0]! <= now) {
      const key = this.keys[0]!;
      this.delete(key);
      due.push(key);
    }
    return due;
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
