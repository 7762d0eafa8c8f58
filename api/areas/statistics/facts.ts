/**
 * What the statistics board counts of every incident, held in memory: a column per figure, the texts as small
 * numbers into dictionaries. Counting 100,000 incidents here takes milliseconds; counting them in PGlite's one
 * WebAssembly thread took 400 ms a request. The database stays the truth: see FactsCopy for how the copy follows it.
 */
import { RESPONSE_MEASURES, type ResponseMeasure, type SummaryRow } from './compute.ts';
import type { StatFilter } from './store.ts';

/** One incident as statistics see it; `ms` are the response measures' milliseconds from the press (null: never). */
export interface IncidentFact {
  id: string;
  mode: string;
  status: string;
  source: string;
  siteId: string;
  counterId: string;
  /** Opened at, in whole milliseconds (floored). */
  openedMs: number;
  /** YYYY-MM in the site's time zone (migration 0003); null if the site was unknown. */
  month: string | null;
  /** The classification as the database writes it as text (compute.ts parses it). */
  classification: string;
  ms: Record<ResponseMeasure, number | null>;
}

/** Tenths of a second from the press, rounded as secondsFromPress rounds them; null when never or before the press. */
export function tenthsOf(ms: number | null): number | null {
  return ms !== null && ms >= 0 ? Math.floor((ms / 1000) * 10 + 0.5) : null;
}

/** Field and record separators of the text the database sends the facts in (store.ts `factsSince`). */
export const FIELD = '\x1f';
export const RECORD = '\x1e';
/** Fields of a record: IncidentFact's, with its four measures apart (store.ts `factsSince` writes them). */
export const FIELDS_PER_FACT = 13;

/**
 * The incidents as the database sends them: one text, a record per incident, fields in the order of IncidentFact
 * (the measures in RESPONSE_MEASURES' order, empty for null), one after another, so that a caller can stop between
 * them. A malformed record is an error, never skipped.
 */
export function* factRecords(text: string | null): Generator<IncidentFact> {
  if (!text) return;
  const f: string[] = new Array<string>(FIELDS_PER_FACT);
  let at = 0;
  // One pass with indexOf: splitting 100,000 records and then each record's fields took twice as long.
  while (at <= text.length) {
    const next = text.indexOf(RECORD, at);
    const end = next === -1 ? text.length : next;
    let k = 0;
    let from = at;
    for (;;) {
      const sep = text.indexOf(FIELD, from);
      if (sep === -1 || sep > end) {
        if (k < FIELDS_PER_FACT) f[k] = text.slice(from, end);
        k++;
        break;
      }
      if (k < FIELDS_PER_FACT) f[k] = text.slice(from, sep);
      k++;
      from = sep + 1;
    }
    if (k !== FIELDS_PER_FACT) throw new Error(`statistics: an incident's figures came with ${k} fields, not ${FIELDS_PER_FACT}`);
    yield factOf(f);
    at = end + 1;
  }
}

function factOf(f: readonly string[]): IncidentFact {
  const num = (s: string) => (s === '' ? null : Number(s));
  const openedMs = Number(f[6]);
  if (!Number.isFinite(openedMs) || f[6] === '') throw new Error(`statistics: incident ${f[0]} came without its opening time`);
  return {
    id: f[0]!, mode: f[1]!, status: f[2]!, source: f[3]!, siteId: f[4]!, counterId: f[5]!, openedMs, month: f[7] === '' ? null : f[7]!,
    ms: { acknowledged: num(f[8]!), onScene: num(f[9]!), separated: num(f[10]!), policeHandover: num(f[11]!) },
    classification: f[12]!,
  };
}

/** A text's number, and the text of a number, for one column. */
class Dictionary {
  readonly values: (string | null)[] = [];
  private readonly codes = new Map<string | null, number>();
  code(value: string | null): number {
    let c = this.codes.get(value);
    if (c === undefined) {
      c = this.values.length;
      this.values.push(value);
      this.codes.set(value, c);
    }
    return c;
  }
  find(value: string): number | undefined {
    return this.codes.get(value);
  }
}

const NONE = -1;

/** The incidents in columns; a written incident replaces its earlier figures. */
export class IncidentFacts {
  private size = 0;
  private capacity = 0;
  /** The longest response held, in tenths: up to 65,536 (1.8 h) the durations are counted in an array, not a Map. */
  private longest = 0;
  private readonly slots = new Map<string, number>();
  private opened = new Float64Array(0);
  private readonly text = { mode: new Dictionary(), status: new Dictionary(), source: new Dictionary(), site: new Dictionary(), counter: new Dictionary(), month: new Dictionary(), classification: new Dictionary() };
  private readonly columns: Record<keyof IncidentFacts['text'], Int32Array> = {
    mode: new Int32Array(0), status: new Int32Array(0), source: new Int32Array(0), site: new Int32Array(0), counter: new Int32Array(0), month: new Int32Array(0), classification: new Int32Array(0),
  };
  private readonly tenths: Record<ResponseMeasure, Int32Array> = {
    acknowledged: new Int32Array(0), onScene: new Int32Array(0), separated: new Int32Array(0), policeHandover: new Int32Array(0),
  };

  get count(): number {
    return this.size;
  }

  put(facts: readonly IncidentFact[]): void {
    for (const f of facts) {
      let slot = this.slots.get(f.id);
      if (slot === undefined) {
        if (this.size === this.capacity) this.grow();
        slot = this.size++;
        this.slots.set(f.id, slot);
      }
      this.opened[slot] = f.openedMs;
      this.columns.mode[slot] = this.text.mode.code(f.mode);
      this.columns.status[slot] = this.text.status.code(f.status);
      this.columns.source[slot] = this.text.source.code(f.source);
      this.columns.site[slot] = this.text.site.code(f.siteId);
      // A counter is counted per site: its code stands for the pair (ids never hold a NUL).
      this.columns.counter[slot] = this.text.counter.code(`${f.siteId}\0${f.counterId}`);
      this.columns.month[slot] = this.text.month.code(f.month);
      this.columns.classification[slot] = this.text.classification.code(f.classification);
      for (const m of RESPONSE_MEASURES) {
        const t = tenthsOf(f.ms[m]) ?? NONE;
        this.tenths[m][slot] = t;
        if (t > this.longest) this.longest = t;
      }
    }
  }

  private grow(): void {
    this.capacity = Math.max(1024, this.capacity * 2);
    const wider = <T extends Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(this.capacity);
      b.set(a);
      return b;
    };
    this.opened = wider(this.opened);
    for (const k of Object.keys(this.columns) as (keyof typeof this.columns)[]) this.columns[k] = wider(this.columns[k]);
    for (const m of RESPONSE_MEASURES) this.tenths[m] = wider(this.tenths[m]);
  }

  /**
   * The tallies of the incidents asked for (compute.ts SummaryRow): the total, and one row per counter, month, mode,
   * source, status, classification and tenth of a second that each response measure took.
   */
  summary(f: StatFilter): SummaryRow[] {
    const wantedMode = f.mode === 'all' ? undefined : this.text.mode.find(f.mode) ?? NONE;
    let sites: Uint8Array | undefined;
    if (f.siteIds) {
      sites = new Uint8Array(this.text.site.values.length);
      for (const id of f.siteIds) {
        const c = this.text.site.find(id);
        if (c !== undefined) sites[c] = 1;
      }
    }
    const from = f.from?.getTime() ?? -Infinity;
    const to = f.to?.getTime() ?? Infinity;
    const per = (d: Dictionary) => new Float64Array(d.values.length);
    const n = {
      counter: per(this.text.counter), month: per(this.text.month), mode: per(this.text.mode), source: per(this.text.source),
      status: per(this.text.status), classification: per(this.text.classification),
    };
    const durations = Object.fromEntries(RESPONSE_MEASURES.map((m) => [m, histogram(this.longest)])) as Record<ResponseMeasure, Histogram>;
    const c = this.columns;
    let total = 0;
    for (let s = 0; s < this.size; s++) {
      const opened = this.opened[s]!;
      if (opened < from || opened >= to) continue;
      if (wantedMode !== undefined && c.mode[s] !== wantedMode) continue;
      if (sites && !sites[c.site[s]!]) continue;
      total++;
      n.counter[c.counter[s]!]!++;
      n.month[c.month[s]!]!++;
      n.mode[c.mode[s]!]!++;
      n.source[c.source[s]!]!++;
      n.status[c.status[s]!]!++;
      n.classification[c.classification[s]!]!++;
      for (const m of RESPONSE_MEASURES) {
        const t = this.tenths[m][s]!;
        if (t !== NONE) durations[m].add(t);
      }
    }
    const rows: SummaryRow[] = total ? [{ dim: 'total', a: null, b: null, n: total }] : [];
    n.counter.forEach((count, code) => {
      if (!count) return;
      const pair = this.text.counter.values[code]!;
      const cut = pair.indexOf('\0');
      const [site, counter] = [pair.slice(0, cut), pair.slice(cut + 1)];
      rows.push({ dim: 'counter', a: site, b: counter, n: count });
    });
    for (const dim of ['month', 'mode', 'source', 'status', 'classification'] as const) {
      n[dim].forEach((count, code) => {
        if (count) rows.push({ dim, a: this.text[dim].values[code] ?? null, b: null, n: count });
      });
    }
    for (const m of RESPONSE_MEASURES) {
      for (const [t, count] of durations[m].entries()) rows.push({ dim: `tenths:${m}`, a: String(t), b: null, n: count });
    }
    return rows;
  }
}

interface Histogram {
  add(tenths: number): void;
  /** Each duration held and how many took it, shortest first. */
  entries(): [number, number][];
}

function histogram(longest: number): Histogram {
  if (longest < 65_536) {
    const counts = new Float64Array(longest + 1);
    return {
      add: (t) => counts[t]!++,
      entries: () => {
        const out: [number, number][] = [];
        counts.forEach((n, t) => n && out.push([t, n]));
        return out;
      },
    };
  }
  const counts = new Map<number, number>();
  return {
    add: (t) => counts.set(t, (counts.get(t) ?? 0) + 1),
    entries: () => [...counts].sort((x, y) => x[0] - y[0]),
  };
}
