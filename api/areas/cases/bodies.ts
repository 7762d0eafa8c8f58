/** The case routes' request bodies and queries (zod). */
import { z } from 'zod';
import { CLASSIFICATIONS } from '../../contract/index.ts';
import { ACTION_KINDS, ACTION_STATUSES, CASE_STATUSES } from '../../contract/cases.ts';

export const id = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be an id of [A-Za-z0-9_.-]{1,64}');
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
export const calendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').refine((s) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}, 'must be a real calendar date');

const unique = <T extends z.ZodTypeAny>(item: T, max: number) =>
  z.array(item).max(max).refine((a) => new Set(a).size === a.length, 'must not repeat an entry');

export const newCaseBody = z.strictObject({
  title: text(200),
  incidentIds: unique(id, 50).min(1, 'a case is opened from at least one incident'),
  classification: unique(z.enum(CLASSIFICATIONS), CLASSIFICATIONS.length).default([]),
  complainantId: id.nullable().default(null),
  assignees: unique(id, 20).default([]),
  summary: z.string().trim().max(10_000).default(''),
});

export const casePatchBody = z.strictObject({
  title: text(200).optional(),
  status: z.enum(CASE_STATUSES).optional(),
  classification: unique(z.enum(CLASSIFICATIONS), CLASSIFICATIONS.length).optional(),
  complainantId: id.nullable().optional(),
  assignees: unique(id, 20).optional(),
  summary: z.string().trim().max(10_000).optional(),
  addIncidentIds: unique(id, 50).optional(),
});

export const statementBody = z.strictObject({ givenBy: text(200), takenOn: calendarDate, text: text(20_000) });

const actionFields = {
  status: z.enum(ACTION_STATUSES),
  filedOn: calendarDate.nullable(),
  nextDate: calendarDate.nullable(),
  decidedOn: calendarDate.nullable(),
  authority: z.string().trim().max(200),
  reference: z.string().trim().max(200),
  outcome: z.string().trim().max(5_000),
};

export const newActionBody = z.strictObject({
  kind: z.enum(ACTION_KINDS),
  status: actionFields.status.default('planned'),
  filedOn: actionFields.filedOn.default(null),
  nextDate: actionFields.nextDate.default(null),
  decidedOn: actionFields.decidedOn.default(null),
  authority: actionFields.authority.default(''),
  reference: actionFields.reference.default(''),
  outcome: actionFields.outcome.default(''),
});

export const actionPatchBody = z.strictObject({
  status: actionFields.status.optional(),
  filedOn: actionFields.filedOn.optional(),
  nextDate: actionFields.nextDate.optional(),
  decidedOn: actionFields.decidedOn.optional(),
  authority: actionFields.authority.optional(),
  reference: actionFields.reference.optional(),
  outcome: actionFields.outcome.optional(),
});

/** POST /cases/{id}/evidence?fileName=…&description=… with the file as the raw body. */
export const evidenceQuery = z.strictObject({
  fileName: text(200),
  description: z.string().trim().max(1_000).default(''),
});

export const mediaType = z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/, 'must be a media type such as image/jpeg');

export const newComplainantBody = z.strictObject({
  name: text(200).nullable().default(null),
  description: z.string().trim().max(2_000).default(''),
  identifiers: unique(text(100), 20).default([]),
  incidentIds: unique(id, 50).default([]),
}).refine((c) => c.name !== null || c.description !== '' || c.identifiers.length > 0, 'a complainant needs a name, a description or an identifier');

export const linkIncidentsBody = z.strictObject({ incidentIds: unique(id, 50).min(1) });

export const auditPageQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1_000).default(200),
});
