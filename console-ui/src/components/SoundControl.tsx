import { useEffect, useState } from 'react';
import type { AlarmSound } from '../sound.ts';
import { useI18n } from '../i18n.ts';

/** Browsers block audio until a gesture: the "Arm sound" button, and a warning until it is armed. */
export function SoundControl({ sound }: { sound: AlarmSound }) {
  const { t } = useI18n();
  const [armed, setArmed] = useState(sound.armed);
  useEffect(() => sound.subscribe(() => setArmed(sound.armed)), [sound]);

  if (!sound.supported) {
    return <p className="sound-bar warning" role="status" data-testid="sound-warning">⚠ {t('sound.unsupported')}</p>;
  }
  if (armed) {
    return <p className="sound-bar armed" data-testid="sound-armed"><span aria-hidden="true">♪ </span>{t('sound.armed')}</p>;
  }
  return (
    <div className="sound-bar warning" role="status">
      <span data-testid="sound-warning"><span aria-hidden="true">⚠ </span>{t('sound.notArmed')}</span>
      <button type="button" className="primary" onClick={() => void sound.arm().then(() => setArmed(sound.armed))} data-testid="arm-sound">
        {t('sound.arm')}
      </button>
    </div>
  );
}
