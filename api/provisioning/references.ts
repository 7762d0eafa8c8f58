/**
 * Checks that need the whole document: duplicate ids, and references between sites, counters, bells and
 * people. A provisioning file may refer to sites, people and accounts already in the database, so the
 * caller passes what exists as context; without context, everything referred to must be in the file.
 *
 * The checks read a loose view of the document, so that they also run on a file that failed the schema:
 * the author then gets every problem in one pass instead of fixing the file one round at a time.
 */
import { formatPath, type Problem, type ProvisioningDocument } from './document.ts';
import type { ProvisioningProblemCode } from '../contract/problem-codes.ts';

export interface ProvisioningContext {
  existingSiteIds?: ReadonlySet<string>;
  existingPersonIds?: ReadonlySet<string>;
  /**
   * Usernames that already have an account (and so a password). A Map from username to the id of the
   * person who holds it also catches a file that gives someone else's username to a person.
   */
  existingUsernames?: ReadonlySet<string> | ReadonlyMap<string, string>;
}

/** The fields the checks read. Arrays keep their positions (holes are `undefined`) so paths stay right. */
interface ReferenceView {
  sites?: readonly {
    id?: string;
    counters?: readonly { id?: string; managerIds?: readonly (string | undefined)[] }[];
    bells?: readonly { id?: string; counterId?: string }[];
    roster?: readonly { personId?: string }[];
  }[];
  people?: readonly {
    id?: string;
    roles?: readonly (string | undefined)[];
    siteIds?: readonly (string | undefined)[];
    counterIds?: readonly (string | undefined)[];
    username?: string;
    password?: string;
    passwordHash?: string;
  }[];
}

/** Cross-reference problems of a document that passed the schema. */
export function checkReferences(doc: ProvisioningDocument, context: ProvisioningContext = {}): Problem[] {
  return checkView(doc, context);
}

/** Cross-reference problems of raw input that failed the schema: whatever has the right shape is checked. */
export function checkRawReferences(raw: unknown, context: ProvisioningContext = {}): Problem[] {
  const root = asObject(raw);
  return checkView({
    sites: asList(root.sites).map((value) => {
      const site = asObject(value);
      return {
        id: asString(site.id),
        counters: asList(site.counters).map((c) => ({ id: asString(asObject(c).id), managerIds: asStrings(asObject(c).managerIds) })),
        bells: asList(site.bells).map((b) => ({ id: asString(asObject(b).id), counterId: asString(asObject(b).counterId) })),
        roster: asList(site.roster).map((r) => ({ personId: asString(asObject(r).personId) })),
      };
    }),
    people: asList(root.people).map((value) => {
      const person = asObject(value);
      return {
        id: asString(person.id),
        roles: asStrings(person.roles),
        siteIds: asStrings(person.siteIds),
        counterIds: asStrings(person.counterIds),
        username: asString(person.username),
        // Only presence matters here; a password of the wrong type is the schema's problem.
        password: person.password === undefined ? undefined : String(person.password),
        passwordHash: person.passwordHash === undefined ? undefined : String(person.passwordHash),
      };
    }),
  }, context);
}

function checkView(doc: ReferenceView, context: ProvisioningContext): Problem[] {
  const problems: Problem[] = [];
  const add = (path: PropertyKey[], message: string, code: ProvisioningProblemCode, params?: Record<string, string>) =>
    problems.push({ path: formatPath(path), message, code, ...(params ? { params } : {}) });
  const sites = doc.sites ?? [];
  const people = doc.people ?? [];
  const inDatabase = (known: ReadonlySet<string> | undefined) => (known ? 'in this file or the database' : 'in this file');

  // People first: counters refer to them.
  const personAt = new Map<string, number>();
  people.forEach((person, p) => {
    if (person.id === undefined) return;
    const first = personAt.get(person.id);
    if (first !== undefined) add(['people', p, 'id'], `person id "${person.id}" is already used by people[${first}]`, 'duplicate_id', { id: person.id, first: `people[${first}]` });
    else personAt.set(person.id, p);
  });

  const siteAt = new Map<string, number>();
  // Bell ids are global: a bell's topic names only the bell, not its site.
  const bellAt = new Map<string, string>();
  sites.forEach((site, s) => {
    const siteName = site.id === undefined ? `sites[${s}]` : `"${site.id}"`;
    if (site.id !== undefined) {
      const first = siteAt.get(site.id);
      if (first !== undefined) add(['sites', s, 'id'], `site id "${site.id}" is already used by sites[${first}]`, 'duplicate_id', { id: site.id, first: `sites[${first}]` });
      else siteAt.set(site.id, s);
    }

    const counterAt = new Map<string, number>();
    (site.counters ?? []).forEach((counter, c) => {
      if (counter.id !== undefined) {
        const first = counterAt.get(counter.id);
        if (first !== undefined) add(['sites', s, 'counters', c, 'id'], `counter id "${counter.id}" is already used by sites[${s}].counters[${first}]`, 'duplicate_id', { id: counter.id, first: `sites[${s}].counters[${first}]` });
        else counterAt.set(counter.id, c);
      }
      (counter.managerIds ?? []).forEach((managerId, m) => {
        if (managerId === undefined) return;
        const path = ['sites', s, 'counters', c, 'managerIds', m];
        const p = personAt.get(managerId);
        // People only in the database are taken on trust: their roles are not known here.
        if (p !== undefined) {
          if (!(people[p]!.roles ?? []).includes('manager')) add(path, `person "${managerId}" does not have the role "manager"`, 'missing_role', { id: managerId, role: 'manager' });
        } else if (!context.existingPersonIds?.has(managerId)) {
          add(path, `person "${managerId}" is not ${inDatabase(context.existingPersonIds)}`, 'unknown_reference', { kind: 'person', id: managerId });
        }
      });
    });

    (site.bells ?? []).forEach((bell, b) => {
      if (bell.id !== undefined) {
        const first = bellAt.get(bell.id);
        if (first !== undefined) add(['sites', s, 'bells', b, 'id'], `bell id "${bell.id}" is already used by ${first}`, 'duplicate_id', { id: bell.id, first });
        else bellAt.set(bell.id, `sites[${s}].bells[${b}]`);
      }
      if (bell.counterId !== undefined && !counterAt.has(bell.counterId)) {
        add(['sites', s, 'bells', b, 'counterId'], `counter "${bell.counterId}" is not a counter of site ${siteName}`, 'unknown_reference', { kind: 'counter', id: bell.counterId, ...(site.id !== undefined ? { site: site.id } : {}) });
      }
    });
  });

  // A shift is for a guard of the site, named in this file or already in the database.
  sites.forEach((site, s) => {
    (site.roster ?? []).forEach((shift, r) => {
      if (shift.personId === undefined) return;
      const path = ['sites', s, 'roster', r, 'personId'];
      const p = personAt.get(shift.personId);
      if (p !== undefined) {
        const person = people[p]!;
        if (!(person.roles ?? []).includes('guard')) add(path, `person "${shift.personId}" does not have the role "guard"`, 'missing_role', { id: shift.personId, role: 'guard' });
        else if (site.id !== undefined && !(person.siteIds ?? []).includes(site.id)) add(path, `person "${shift.personId}" is not a person of site "${site.id}"`, 'not_of_site', { id: shift.personId, site: site.id });
      } else if (!context.existingPersonIds?.has(shift.personId)) {
        add(path, `person "${shift.personId}" is not ${inDatabase(context.existingPersonIds)}`, 'unknown_reference', { kind: 'person', id: shift.personId });
      }
    });
  });

  const usernameAt = new Map<string, number>();
  const existing = context.existingUsernames;
  people.forEach((person, p) => {
    (person.siteIds ?? []).forEach((siteId, i) => {
      if (siteId !== undefined && !siteAt.has(siteId) && !context.existingSiteIds?.has(siteId)) {
        add(['people', p, 'siteIds', i], `site "${siteId}" is not ${inDatabase(context.existingSiteIds)}`, 'unknown_reference', { kind: 'site', id: siteId });
      }
    });
    // A person's counters are counters of their sites; sites only in the database are not checked here.
    const ownSites = (doc.sites ?? []).filter((s) => s.id !== undefined && (person.siteIds ?? []).includes(s.id));
    const checkable = ownSites.length === (person.siteIds ?? []).length;
    (person.counterIds ?? []).forEach((counterId, i) => {
      if (counterId !== undefined && checkable && !ownSites.some((s) => (s.counters ?? []).some((c) => c.id === counterId))) {
        add(['people', p, 'counterIds', i], `counter "${counterId}" is not a counter of this person's sites`, 'unknown_reference', { kind: 'counter', id: counterId });
      }
    });

    const username = person.username;
    if (username === undefined) {
      // A password nobody can log in with is a mistake, not something to drop quietly.
      if (person.password !== undefined || person.passwordHash !== undefined) {
        add(['people', p, person.password !== undefined ? 'password' : 'passwordHash'], 'a password without a username: add the username it belongs to', 'password_without_username');
      }
      return;
    }
    const first = usernameAt.get(username);
    if (first !== undefined) add(['people', p, 'username'], `username "${username}" is already used by people[${first}]`, 'duplicate_id', { id: username, first: `people[${first}]` });
    else usernameAt.set(username, p);

    const owner = existing instanceof Map ? existing.get(username) : undefined;
    if (owner !== undefined && person.id !== undefined && owner !== person.id) {
      add(['people', p, 'username'], `username "${username}" already belongs to person "${owner}"`, 'username_taken', { username, owner });
    }
    // An existing account keeps its password when the file gives none; a new account would have none.
    if (person.password === undefined && person.passwordHash === undefined && !existing?.has(username)) {
      add(['people', p, 'password'], `username "${username}" is a new account: give it a password (at least 8 characters)`, 'password_needed', { username });
    }
  });

  return problems;
}

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
function asStrings(value: unknown): (string | undefined)[] {
  return asList(value).map(asString);
}
