import type { BellDirectory, BellRecord } from '../../gateway/index.ts';
import type { CounterRow, DirectoryStore, SiteRow } from '../store/index.ts';

/** Sites, counters and bells held in memory: the alarm path must not ask the database who a bell is. */
export class Places implements BellDirectory {
  private siteById = new Map<string, SiteRow>();
  private counterByKey = new Map<string, CounterRow>();
  private bellById = new Map<string, BellRecord>();

  constructor(private readonly store: DirectoryStore) {}

  async reload(): Promise<void> {
    const [sites, counters, bells] = await Promise.all([this.store.sites(), this.store.counters(), this.store.bells()]);
    this.siteById = new Map(sites.map((s) => [s.id, s]));
    this.counterByKey = new Map(counters.map((c) => [`${c.siteId}/${c.id}`, c]));
    this.bellById = new Map(
      bells.map((b) => [b.id, { id: b.id, siteId: b.siteId, counterId: b.counterId, adapter: b.adapter, keyHex: b.keyHex }]),
    );
  }

  lookup(bellId: string): BellRecord | undefined {
    return this.bellById.get(bellId);
  }

  site(id: string): SiteRow | undefined {
    return this.siteById.get(id);
  }

  counter(siteId: string, counterId: string): CounterRow | undefined {
    return this.counterByKey.get(`${siteId}/${counterId}`);
  }

  allSites(): SiteRow[] {
    return [...this.siteById.values()];
  }

  countersOf(siteId: string): CounterRow[] {
    return [...this.counterByKey.values()].filter((c) => c.siteId === siteId);
  }
}
