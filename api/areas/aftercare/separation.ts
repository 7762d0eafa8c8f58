/**
 * The separation of victims, recorded on the incident timeline as `victim_separated`. Pure.
 * The existing contract stays: a bare `{"type":"victim_separated"}` is still accepted. Added, optional:
 * `victims` (people with role staff by id, or names not in the directory), `separatedTo`, `separatedBy`.
 * The timeline entry's data carries `victims: [{personId|null, name}]`, `victimIds` (for lookups),
 * `separatedTo` and `separatedBy`; the entry's own time, against the incident's `openedAt`, times it from the press.
 */
export interface SeparationInput {
  victims?: { personId?: string | undefined; name?: string | undefined }[] | undefined;
  separatedTo?: string | undefined;
  separatedBy?: string | undefined;
}

export interface DirectoryPerson {
  id: string;
  name: string;
  roles: readonly string[];
  siteIds: readonly string[];
}

export type SeparationResult = { ok: true; data: Record<string, unknown> } | { ok: false; problems: { path: string; message: string }[] };

export function separationData(input: SeparationInput, by: string, siteId: string, people: readonly DirectoryPerson[]): SeparationResult {
  if (!input.victims && !input.separatedTo && !input.separatedBy) return { ok: true, data: {} };
  const byId = new Map(people.map((p) => [p.id, p]));
  const problems: { path: string; message: string }[] = [];
  const victims: { personId: string | null; name: string }[] = [];
  const seen = new Set<string>();
  (input.victims ?? []).forEach((v, i) => {
    if (v.personId === undefined) {
      victims.push({ personId: null, name: v.name ?? '' });
      return;
    }
    const p = byId.get(v.personId);
    if (!p) problems.push({ path: `victims.${i}.personId`, message: `no person ${v.personId}` });
    else if (!p.roles.includes('staff')) problems.push({ path: `victims.${i}.personId`, message: `${v.personId} is not a member of staff` });
    else if (!p.siteIds.includes(siteId)) problems.push({ path: `victims.${i}.personId`, message: `${v.personId} does not work at site ${siteId}` });
    else if (seen.has(p.id)) problems.push({ path: `victims.${i}.personId`, message: `${v.personId} is named twice` });
    else {
      seen.add(p.id);
      victims.push({ personId: p.id, name: p.name });
    }
  });
  const separatedBy = input.separatedBy ?? by;
  if (!byId.has(separatedBy)) problems.push({ path: 'separatedBy', message: `no person ${separatedBy}` });
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    data: {
      ...(victims.length ? { victims, victimIds: victims.flatMap((v) => (v.personId ? [v.personId] : [])) } : {}),
      ...(input.separatedTo ? { separatedTo: input.separatedTo } : {}),
      separatedBy,
      separatedByName: byId.get(separatedBy)?.name ?? separatedBy,
    },
  };
}
