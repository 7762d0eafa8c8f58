/**
 * Twilio's webhooks: delivery status callbacks, inbound SMS ("1", "OK", "확인" acknowledge) and the
 * call's keypad (1 acknowledges). Every request must carry a valid X-Twilio-Signature.
 */
import express, { Router, type Request } from 'express';
import { and, desc, eq, inArray, notInArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { AlarmCore } from '../../core/alarm-core.ts';
import { DomainError } from '../../domain/index.ts';
import { ackReplyText } from '../messages.ts';
import {
  notificationIdFrom, parseGather, parseInboundSms, parseStatusCallback, TWIML_CONTENT_TYPE, twimlReply, verifyTwilioRequest,
} from './webhooks.ts';
import type { Db } from '../../store/index.ts';
import { schema } from '../../store/index.ts';
import type { Outbox } from '../../escalation/outbox.ts';
import { CLOSED_STATUSES } from '../../contract/index.ts';

const { incidents, notifications, people } = schema;

export interface TwilioRouteDeps {
  db: Db;
  core: AlarmCore;
  outbox: Outbox;
  logger: Logger;
  authToken: string;
  /** Resolved once the server listens: Twilio signs the full URL it called. */
  publicUrl: () => string;
  refused: (reason: string) => void;
}

export function twilioRoutes(deps: TwilioRouteDeps): Router {
  const r = Router();
  r.use('/twilio', express.urlencoded({ extended: false, limit: '64kb' }));
  r.use('/twilio', (req, res, next) => {
    const url = deps.publicUrl().replace(/\/$/, '') + req.originalUrl;
    const params = (req.body ?? {}) as Record<string, unknown>;
    if (!verifyTwilioRequest(deps.authToken, url, params, req.headers['x-twilio-signature'])) {
      deps.refused('bad_twilio_signature');
      deps.logger.warn({ path: req.path }, 'Twilio webhook with a bad signature refused');
      res.status(403).json({ error: { code: 'bad_signature', message: 'X-Twilio-Signature does not verify' } });
      return;
    }
    next();
  });

  r.post('/twilio/status', async (req, res) => {
    const update = parseStatusCallback(req.body as Record<string, unknown>, fullUrl(deps, req));
    // A first alert is sent before its row is stored: a quick callback waits for the row.
    await deps.outbox.whenStored(update.notificationId);
    await deps.outbox.takeReport({ id: update.notificationId, providerId: update.providerId }, update.status, update.errorCode ? { lastError: `provider error ${update.errorCode}` } : {});
    res.type(TWIML_CONTENT_TYPE).send(twimlReply());
  });

  r.post('/twilio/gather', async (req, res) => {
    const gather = parseGather(req.body as Record<string, unknown>);
    const notificationId = notificationIdFrom(fullUrl(deps, req), req.body as Record<string, unknown>);
    await deps.outbox.whenStored(notificationId);
    const row = await findNotification(deps.db, notificationId, null);
    const language = row?.language === 'en' ? 'en' : 'ko';
    if (!row || !gather.acknowledges || !row.personId) {
      res.type(TWIML_CONTENT_TYPE).send(twimlReply());
      return;
    }
    const ok = await acknowledge(deps, row.incidentId, row.personId);
    await deps.outbox.setStatus(row, 'acknowledged');
    res.type(TWIML_CONTENT_TYPE).send(twimlReply(ackReplyText(language, ok), 'voice', language));
  });

  r.post('/twilio/sms', async (req, res) => {
    const sms = parseInboundSms(req.body as Record<string, unknown>);
    const [person] = await deps.db.select().from(people).where(eq(people.phone, sms.from));
    if (!person || !sms.isAcknowledgement) {
      res.type(TWIML_CONTENT_TYPE).send(twimlReply());
      return;
    }
    // The reply acknowledges the newest open incident this person was told about.
    const [row] = await deps.db
      .select({ n: notifications })
      .from(notifications)
      .innerJoin(incidents, eq(incidents.id, notifications.incidentId))
      .where(and(eq(notifications.personId, person.id), notInArray(incidents.status, [...CLOSED_STATUSES])))
      .orderBy(desc(notifications.createdAt))
      .limit(1);
    const language = person.language === 'en' ? 'en' : 'ko';
    if (!row) {
      res.type(TWIML_CONTENT_TYPE).send(twimlReply());
      return;
    }
    const ok = await acknowledge(deps, row.n.incidentId, person.id);
    await deps.outbox.setStatus(row.n, 'acknowledged');
    res.type(TWIML_CONTENT_TYPE).send(twimlReply(ackReplyText(language, ok), 'sms', language));
  });
  return r;
}

function fullUrl(deps: TwilioRouteDeps, req: Request): string {
  return deps.publicUrl().replace(/\/$/, '') + req.originalUrl;
}

/** Acknowledges for a person; false when it was already acknowledged (by someone else) or is over. */
async function acknowledge(deps: TwilioRouteDeps, incidentId: string, personId: string): Promise<boolean> {
  try {
    await deps.core.act(incidentId, { type: 'acknowledge', by: personId });
    return true;
  } catch (err) {
    if (err instanceof DomainError) return false;
    throw err;
  }
}

async function findNotification(db: Db, id: string | undefined, providerId: string | null | undefined) {
  if (id) {
    const [row] = await db.select().from(notifications).where(eq(notifications.id, id));
    if (row) return row;
  }
  if (providerId) {
    const [row] = await db.select().from(notifications).where(inArray(notifications.providerId, [providerId]));
    return row ?? null;
  }
  return null;
}
