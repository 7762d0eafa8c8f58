import type { StreamState } from '../stream.ts';
import { useI18n } from '../i18n.ts';

/** Connected: a quiet line. Disconnected: a red bar at the top, at once. */
export function StreamStatus({ state }: { state: StreamState }) {
  const { t } = useI18n();
  const connected = state === 'connected';
  return (
    <div
      className={connected ? 'stream-status connected' : 'stream-status disconnected'}
      data-testid="stream-status"
      data-state={state}
      role="status"
      aria-live={connected ? 'polite' : 'assertive'}
    >
      <span aria-hidden="true">{connected ? '● ' : '✖ '}</span>
      {connected ? t('stream.connected') : t('stream.disconnected')}
    </div>
  );
}
