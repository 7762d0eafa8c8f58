import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { canReadIncident, canSeeBells } from '../auth/policy.ts';
import { tokenFrom, type LiveSession, type SessionEnded } from '../auth/sessions.ts';
import type { ApiContext } from './context.ts';
import { originAllowed } from './origin.ts';

export const STREAM_PATH = '/api/v1/stream';
const PING_MS = 15_000;
/** Close codes the console can tell apart: sign in again, or reconnect to get the new rights. */
export const CLOSE_SESSION_ENDED = 4401;
export const CLOSE_RIGHTS_CHANGED = 4409;
/** setTimeout's longest wait; a later expiry is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Watched {
  token: string;
  session: LiveSession;
  timer?: NodeJS.Timeout;
}

/**
 * WebSocket /api/v1/stream: each console gets the messages its user may see, and only while its session lives.
 * A session that ends (logout, expiry, deactivation, password change) closes its streams at once in this process;
 * `Sessions.ended` is where the alarm bus delivers the ends decided by other processes. Every stream is also
 * checked again on each ping round, so a missed notice costs at most a round and the session cache's recheck.
 */
export function attachStream(server: Server, ctx: ApiContext): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const alive = new WeakMap<WebSocket, boolean>();
  const watched = new Map<WebSocket, Watched>();

  const end = (ws: WebSocket, code: number, reason: string) => {
    const w = watched.get(ws);
    if (w?.timer) clearTimeout(w.timer);
    watched.delete(ws);
    ws.close(code, reason);
    // A console that ignores the close frame is cut off anyway.
    setTimeout(() => ws.terminate(), 2_000).unref();
  };

  /** Resolves the session again; closes the stream if it is gone, else re-arms its expiry. */
  const recheck = async (ws: WebSocket) => {
    const w = watched.get(ws);
    if (!w) return;
    let now: LiveSession | null;
    try {
      now = await ctx.sessions.session(w.token);
    } catch {
      return; // the database is away: the session cache already decided what it could
    }
    if (!watched.has(ws)) return;
    if (!now) return end(ws, CLOSE_SESSION_ENDED, 'session ended');
    w.session = now;
    armExpiry(ws, w);
  };

  const armExpiry = (ws: WebSocket, w: Watched) => {
    if (w.timer) clearTimeout(w.timer);
    // At the expiry the session is resolved again: a renewed session (an open console stays signed in) goes on.
    w.timer = setTimeout(() => void recheck(ws), Math.min(MAX_TIMER_MS, Math.max(0, w.session.expiresAt.getTime() - ctx.clock.now().getTime()) + 50));
    w.timer.unref();
  };

  const unlisten = ctx.sessions.onEnded((e: SessionEnded) => {
    for (const [ws, w] of watched) {
      if (e.sessionId !== undefined && e.sessionId !== w.session.id) continue;
      if (e.personId !== undefined && e.personId !== w.session.user.id) continue;
      if (e.sessionId === undefined && e.personId === undefined) continue;
      if (e.reason === 'roles_changed') end(ws, CLOSE_RIGHTS_CHANGED, 'rights changed: reconnect');
      else end(ws, CLOSE_SESSION_ENDED, `session ended: ${e.reason}`);
    }
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== STREAM_PATH) return refuse(socket, 404, 'Not Found');
    const origin = req.headers.origin;
    // A browser always sends Origin: a page of another site must not open a console's stream with its cookie.
    if (origin !== undefined && !originAllowed(origin, req.headers.host)) {
      ctx.logger.info({ origin, host: req.headers.host }, 'stream refused: foreign Origin');
      return refuse(socket, 403, 'Forbidden');
    }
    // A token in the URL ends up in logs and histories: only clients that are not browsers may use one.
    const query = origin === undefined ? url.searchParams.get('token') : null;
    const token = tokenFrom({ cookie: req.headers.cookie, authorization: req.headers.authorization }, query);
    if (!token) return refuse(socket, 401, 'Unauthorized');
    ctx.sessions.session(token).then(
      (session) => {
        if (!session) return refuse(socket, 401, 'Unauthorized');
        wss.handleUpgrade(req, socket, head, (ws) => {
          (ws as unknown as { _socket?: { setNoDelay?(v: boolean): void } })._socket?.setNoDelay?.(true);
          alive.set(ws, true);
          const user = session.user;
          const w: Watched = { token, session };
          watched.set(ws, w);
          armExpiry(ws, w);
          const unsubscribe = ctx.hub.subscribe({
            canSee: (a) => canReadIncident(user, a) || (a.siteId !== null && canSeeBells(user, a.siteId)),
            send: (text) => ws.send(text),
          });
          const closed = () => {
            unsubscribe();
            if (w.timer) clearTimeout(w.timer);
            watched.delete(ws);
          };
          ws.on('pong', () => alive.set(ws, true));
          ws.on('close', closed);
          ws.on('error', closed);
          // The stream is server → console only; anything a console sends is ignored.
          ws.on('message', () => undefined);
        });
      },
      () => refuse(socket, 503, 'Service Unavailable'),
    );
  });

  // Pings find dead consoles (a tablet that lost Wi-Fi) so they do not pile up; each round checks the sessions too.
  const timer = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
      void recheck(ws);
    }
  }, PING_MS);
  timer.unref();

  return {
    close: () => {
      clearInterval(timer);
      unlisten();
      for (const w of watched.values()) if (w.timer) clearTimeout(w.timer);
      watched.clear();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
