import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { canReadIncident, canSeeBells } from '../auth/policy.ts';
import { sessionIdOf, tokenFrom } from '../auth/sessions.ts';
import type { ApiContext } from './context.ts';

export const STREAM_PATH = '/api/v1/stream';
const PING_MS = 15_000;

/** WebSocket /api/v1/stream: each console gets the messages its user may see. */
export function attachStream(server: Server, ctx: ApiContext): { close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const alive = new WeakMap<WebSocket, boolean>();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== STREAM_PATH) return refuse(socket, 404, 'Not Found');
    const token = tokenFrom({ cookie: req.headers.cookie, authorization: req.headers.authorization }, url.searchParams.get('token'));
    if (!token) return refuse(socket, 401, 'Unauthorized');
    ctx.sessions.resolve(token).then(
      (user) => {
        if (!user) return refuse(socket, 401, 'Unauthorized');
        wss.handleUpgrade(req, socket, head, (ws) => {
          (ws as unknown as { _socket?: { setNoDelay?(v: boolean): void } })._socket?.setNoDelay?.(true);
          alive.set(ws, true);
          const unsubscribe = ctx.hub.subscribe({
            canSee: (a) => canReadIncident(user, a) || (a.siteId !== null && canSeeBells(user, a.siteId)),
            send: (text) => ws.send(text),
            // An ended session (logout, expiry, deactivation, on any process: `session.ended`) loses its stream.
            session: { id: sessionIdOf(token), personId: user.id },
            close: () => ws.close(4401, 'session ended'),
          });
          ws.on('pong', () => alive.set(ws, true));
          ws.on('close', unsubscribe);
          ws.on('error', unsubscribe);
          // The stream is server → console only; anything a console sends is ignored.
          ws.on('message', () => undefined);
        });
      },
      () => refuse(socket, 503, 'Service Unavailable'),
    );
  });

  // Pings find dead consoles (a tablet that lost Wi-Fi) so they do not pile up.
  const timer = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, PING_MS);
  timer.unref();

  return {
    close: () => {
      clearInterval(timer);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
