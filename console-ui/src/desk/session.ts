/**
 * Keeps an open console signed in while it is in use: while the live stream is connected the session is
 * renewed (at once and then every third of its lifetime), so a guard desk never drops out mid-shift. A
 * session that really ends (a renewal or any request answers 401, or the stream drops and /me says 401)
 * is reported, never turned quietly into a login form.
 */
import { useEffect, useRef } from 'react';
import { api, ApiRequestError, apiRequest } from '../api.ts';
import type { StreamState } from '../stream.ts';

/** Renew at most this often, and at least this often, whatever the lifetime. */
const MIN_RENEW_MS = 1_000;
const MAX_RENEW_MS = 10 * 60_000;
/** After a dropped stream, ask whether the session is still there (a session ended elsewhere closes the stream). */
const PROBE_AFTER_DROP_MS = 1_000;

export function renewIntervalMs(ttlMs: number): number {
  return Math.min(MAX_RENEW_MS, Math.max(MIN_RENEW_MS, Math.floor(ttlMs / 3)));
}

export function renewSession(): Promise<{ expiresAt: string; ttlMs: number }> {
  return apiRequest('POST', '/auth/renew', {}, { sessionRequired: false });
}

const isEnded = (err: unknown) => err instanceof ApiRequestError && err.status === 401;

export function useSessionKeeper(streamState: StreamState, active: boolean, onEnded: () => void): void {
  const onEndedRef = useRef(onEnded);
  onEndedRef.current = onEnded;

  useEffect(() => {
    if (!active || streamState !== 'connected') return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;
    const renew = async () => {
      let next = MIN_RENEW_MS * 5;
      try {
        next = renewIntervalMs((await renewSession()).ttlMs);
      } catch (err) {
        if (isEnded(err)) {
          onEndedRef.current();
          return;
        }
        // The server is away for a moment: try again soon, the session has time left.
      }
      if (!stopped) timer = setTimeout(() => void renew(), next);
    };
    void renew();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [active, streamState]);

  useEffect(() => {
    if (!active || streamState !== 'disconnected') return;
    const timer = setTimeout(() => {
      api.me().catch((err: unknown) => {
        if (isEnded(err)) onEndedRef.current();
      });
    }, PROBE_AFTER_DROP_MS);
    return () => clearTimeout(timer);
  }, [active, streamState]);
}
