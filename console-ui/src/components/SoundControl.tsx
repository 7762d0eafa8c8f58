import { useEffect, useState } from 'react';
import type { AlarmSound } from '../sound.ts';
import { useI18n } from '../i18n.ts';

/**
 * Browsers block audio until a gesture: the "Arm sound" button, and a warning until it is armed. Truthful:
 * "armed" is not shown as all-well while the console cannot receive alarms, and a reload whose autoplay
 * the browser refused says so.
 */
export function SoundControl({ sound, receiving }: { sound: AlarmSound; receiving: boolean }) {
  const { t } = useI18n();
  const [armed, setArmed] = useState(sound.armed);
  const [blocked, setBlocked] = useState(sound.blocked);
  useEffect(() => sound.subscribe(() => {
    setArmed(sound.armed);
    setBlocked(sound.blocked);
  }), [sound]);

  if (!sound.supported) {
    return <p className="sound-bar warning" role="status" data-testid="sound-warning">⚠ {t('sound.unsupported')}</p>;
  }
  if (armed && !receiving) {
    return <p className="sound-bar warning" role="status" data-testid="sound-not-receiving"><span aria-hidden="true">⚠ </span>{t('sound.disconnected')}</p>;
  }
  if (armed) {
    return <p className="sound-bar armed" data-testid="sound-armed"><span aria-hidden="true">♪ </span>{t('sound.armed')}</p>;
  }
  return (
    <div className="sound-bar warning" role="status">
      <span data-testid="sound-warning"><span aria-hidden="true">⚠ </span>{blocked ? t('sound.blocked') : t('sound.notArmed')}</span>
      <button type="button" className="primary" onClick={() => void sound.arm().then(() => setArmed(sound.armed))} data-testid="arm-sound">
        {t('sound.arm')}
      </button>
    </div>
  );
}
