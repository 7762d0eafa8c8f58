/**
 * Press and hold to send: a progress bar fills while the finger (or Space/Enter) stays down, and letting go
 * early says plainly that nothing was sent — a confirm that can neither be misread nor silently abandoned.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';

export const HOLD_MS = 2_000;
const TICK_MS = 50;

interface Props {
  onHeld: () => void;
  onReleasedEarly: () => void;
  disabled?: boolean;
  className?: string;
  testId: string;
  /** Shown while not held; the progress text is given the percentage. */
  label: ReactNode;
  holdingLabel: (percent: number) => ReactNode;
}

export function HoldButton({ onHeld, onReleasedEarly, disabled, className, testId, label, holdingLabel }: Props) {
  const [progress, setProgress] = useState<number | null>(null);
  const started = useRef<number | null>(null);
  const timer = useRef<ReturnType<typeof setInterval> | null>(null);

  const stopTimer = () => {
    if (timer.current) clearInterval(timer.current);
    timer.current = null;
  };
  useEffect(() => stopTimer, []);

  function start() {
    if (disabled || started.current !== null) return;
    started.current = performance.now();
    setProgress(0);
    timer.current = setInterval(() => {
      const held = performance.now() - (started.current ?? performance.now());
      if (held >= HOLD_MS) {
        stopTimer();
        started.current = null;
        setProgress(null);
        onHeld();
      } else setProgress(held / HOLD_MS);
    }, TICK_MS);
  }

  function release() {
    if (started.current === null) return;
    stopTimer();
    started.current = null;
    setProgress(null);
    onReleasedEarly();
  }

  const percent = progress === null ? 0 : Math.round(progress * 100);
  return (
    <button
      type="button"
      className={`${className ?? ''} panic-hold`}
      data-testid={testId}
      data-holding={progress !== null}
      disabled={disabled}
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture?.(e.pointerId);
        start();
      }}
      onPointerUp={release}
      onPointerCancel={release}
      onKeyDown={(e) => {
        if ((e.key === ' ' || e.key === 'Enter') && !e.repeat) {
          e.preventDefault();
          start();
        }
      }}
      onKeyUp={(e) => {
        if (e.key === ' ' || e.key === 'Enter') release();
      }}
      onContextMenu={(e) => e.preventDefault()}
    >
      {progress === null ? label : holdingLabel(percent)}
      {progress !== null && (
        <span className="panic-hold-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} style={{ transform: `scaleX(${progress})` }} data-testid={`${testId}-progress`} />
      )}
    </button>
  );
}
