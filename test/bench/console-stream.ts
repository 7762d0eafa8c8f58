/**
 * A guard console's live stream as the bench's load opens it: the token in the URL (it is no browser), and Nagle's
 * delay off, so that a message is timed when the server sent it and not up to 40 ms later. The handler is attached
 * before the stream opens: the first messages may come in the same read as the upgrade's answer.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

/** `onMessage` gets each message's text and its arrival on this process's performance.now() scale. */
export async function openConsoleStream(baseUrl: string, token: string, onMessage: (text: string, at: number) => void): Promise<WebSocket> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/v1/stream?token=${token}`);
  ws.on('message', (data) => {
    const at = performance.now();
    onMessage(data.toString(), at);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  (ws as unknown as { _socket?: { setNoDelay?(v: boolean): void } })._socket?.setNoDelay?.(true);
  return ws;
}
