/** Request bodies and queries of the API, validated with zod and described in openapi.json from the same schemas. */
import { z } from 'zod';
import { CLASSIFICATIONS, RESPONSE_EVENT_TYPES } from '../contract/index.ts';

const id = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be an id of [A-Za-z0-9_.-]{1,64}');
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

export const loginBody = z.strictObject({ username: z.string().min(1).max(128), password: z.string().min(1).max(256) });

export const incidentListQuery = z.object({
  status: z.enum(['open', 'closed', 'all']).default('all'),
  mode: z.enum(['live', 'drill']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  /** Part of a reference as a person reads it out (`2026-0042`, `0042`, `42`): the incidents whose reference contains it. */
  reference: z.string().trim().regex(/^[0-9Dd-]{1,16}$/, 'digits, D and -, as in 2026-0042').optional(),
});

export const raiseIncidentBody = z.strictObject({
  counterId: id,
  siteId: id.optional(),
  violence: z.boolean().default(false),
  note: text(2000).optional(),
});

/** A victim of the incident named at their separation: a person (role staff) by id, or a name not in the directory. */
export const separatedVictim = z.strictObject({ personId: id.optional(), name: text(200).optional() })
  .refine((v) => v.personId !== undefined || v.name !== undefined, 'name the victim: personId or name');

export const responseEventBody = z.strictObject({
  type: z.enum(RESPONSE_EVENT_TYPES),
  note: text(2000).optional(),
  data: z.record(z.string(), z.union([z.string().max(500), z.number(), z.boolean()])).optional(),
  /** victim_separated only: who was separated, where to, and by whom (default: the one recording). */
  victims: z.array(separatedVictim).min(1).max(20).optional(),
  separatedTo: text(200).optional(),
  separatedBy: id.optional(),
}).refine((b) => b.type === 'victim_separated' || (b.victims === undefined && b.separatedTo === undefined && b.separatedBy === undefined), {
  message: 'victims, separatedTo and separatedBy belong to victim_separated only', path: ['type'],
});

export const closeBody = z.strictObject({
  outcome: text(2000),
  classification: z.array(z.enum(CLASSIFICATIONS)).min(1, 'name at least one classification'),
});

export const reasonBody = z.strictObject({ reason: text(2000) });
