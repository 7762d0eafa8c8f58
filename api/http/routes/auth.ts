import { Router, type Response } from 'express';
import { SESSION_COOKIE } from '../../auth/sessions.ts';
import { loginBody } from '../bodies.ts';
import { authenticate, userOf, type ApiContext } from '../context.ts';
import { HttpError, parseBody } from '../errors.ts';

export function authRoutes(ctx: ApiContext): Router {
  const r = Router();
  r.post('/auth/login', async (req, res) => {
    const body = parseBody(loginBody, req.body);
    const session = await ctx.sessions.login(body.username, body.password, req.ip ?? req.socket.remoteAddress ?? 'unknown');
    if (session.kind === 'throttled' || session.kind === 'busy') {
      const seconds = session.kind === 'busy' ? 1 : Math.ceil(session.retryAfterMs / 1000);
      res.setHeader('Retry-After', String(seconds));
      throw session.kind === 'busy'
        ? new HttpError(429, 'login_busy', 'too many logins are being checked at once; try again in a second')
        : new HttpError(429, 'login_throttled', `too many failed logins; try again in ${seconds} s`);
    }
    if (session.kind === 'demo_refused') {
      throw new HttpError(403, 'demo_account', 'demo accounts do not work on a system that holds a real site');
    }
    if (session.kind !== 'ok') throw new HttpError(401, 'invalid_credentials', 'wrong username or password');
    setSessionCookie(ctx, res, session.token);
    res.json({ token: session.token, expiresAt: session.expiresAt.toISOString(), user: session.user });
  });
  // An open console calls this while its live stream is connected; the answer says when to call again.
  r.post('/auth/renew', authenticate(ctx), async (_req, res) => {
    const token = res.locals.token as string;
    const renewed = await ctx.sessions.renew(token);
    if (!renewed) throw new HttpError(401, 'session_ended', 'the session has ended; log in again');
    setSessionCookie(ctx, res, token);
    res.json({ expiresAt: renewed.expiresAt.toISOString(), ttlMs: ctx.sessionTtlMs });
  });
  r.post('/auth/logout', authenticate(ctx), async (_req, res) => {
    await ctx.sessions.logout(res.locals.token as string);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });
  // Public, so the login page says it too: the console shows "demo data" on every page while demo accounts exist.
  r.get('/auth/status', async (_req, res) => {
    res.json({ demoData: await ctx.directory.demoAccountsExist() });
  });
  r.get('/me', authenticate(ctx), (_req, res) => {
    res.json(userOf(res));
  });
  return r;
}

function setSessionCookie(ctx: ApiContext, res: Response, token: string): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: ctx.secureCookies, path: '/', maxAge: ctx.sessionTtlMs });
}
