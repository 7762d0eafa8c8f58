/**
 * The alarm sound: a WebAudio beep loop made with an oscillator (no audio files). Browsers only
 * let a page make sound after a user gesture, so the console asks the user to arm it once; the
 * choice is remembered, and a reload re-arms by itself where the browser's autoplay policy allows
 * (otherwise `blocked` says so, and the first click anywhere arms it again). Besides the alarm, a
 * lower "trouble" tone repeats while the console cannot receive alarms (connection lost, session ended).
 */

type AudioContextCtor = typeof AudioContext;

function audioContextCtor(): AudioContextCtor | null {
  const w = window as unknown as { AudioContext?: AudioContextCtor; webkitAudioContext?: AudioContextCtor };
  return w.AudioContext ?? w.webkitAudioContext ?? null;
}

export const BEEP_PERIOD_MS = 1_200;
export const TROUBLE_PERIOD_MS = 2_500;
/** The two pitches of the trouble tone, lower than the alarm's so the two are never confused. */
export const TROUBLE_TONES_HZ = [523, 392] as const;
const ARMED_KEY = 'guardbell.soundArmed';

function remembered(): boolean {
  try {
    return window.localStorage.getItem(ARMED_KEY) === '1';
  } catch {
    return false;
  }
}

function remember(armed: boolean): void {
  try {
    if (armed) window.localStorage.setItem(ARMED_KEY, '1');
    else window.localStorage.removeItem(ARMED_KEY);
  } catch {
    // Private mode or storage off: the user arms it after each reload.
  }
}

export class AlarmSound {
  private ctx: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private ringing = false;
  private troubleTimer: ReturnType<typeof setInterval> | null = null;
  private trouble = false;
  private blockedFlag = false;
  private readonly listeners = new Set<() => void>();

  get supported(): boolean {
    return audioContextCtor() !== null;
  }

  get armed(): boolean {
    return this.ctx !== null && this.ctx.state === 'running';
  }

  /** The user armed the sound before a reload, and the browser refused to resume it without a gesture. */
  get blocked(): boolean {
    return this.blockedFlag && !this.armed;
  }

  /**
   * After a reload: re-arms without a gesture if the user had armed the sound and the browser allows
   * it; otherwise marks it blocked and arms on the first click or key press anywhere on the page.
   */
  async restore(): Promise<void> {
    if (!remembered() || this.armed) return;
    const Ctor = audioContextCtor();
    if (!Ctor) return;
    if (!this.ctx) {
      this.ctx = new Ctor();
      this.ctx.onstatechange = () => this.notify();
    }
    try {
      // Resolves only once the browser lets it run; a blocked context stays suspended, so do not wait on it.
      await Promise.race([this.ctx.resume(), new Promise((resolve) => setTimeout(resolve, 300))]);
    } catch {
      // Blocked: handled below.
    }
    if (this.armed) {
      this.afterArmed();
      return;
    }
    this.blockedFlag = true;
    const onGesture = () => {
      document.removeEventListener('pointerdown', onGesture, true);
      document.removeEventListener('keydown', onGesture, true);
      void this.arm();
    };
    document.addEventListener('pointerdown', onGesture, true);
    document.addEventListener('keydown', onGesture, true);
    this.notify();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  /** Must run inside a user gesture (a click or key press). Plays one short chirp as confirmation. */
  async arm(): Promise<boolean> {
    const Ctor = audioContextCtor();
    if (!Ctor) return false;
    if (!this.ctx) {
      this.ctx = new Ctor();
      this.ctx.onstatechange = () => this.notify();
    }
    try {
      await this.ctx.resume();
    } catch {
      // Still suspended: the warning stays visible.
    }
    if (this.armed) {
      this.tone(1_320, 0, 0.08, 0.12);
      remember(true);
      this.blockedFlag = false;
    }
    this.afterArmed();
    return this.armed;
  }

  private afterArmed(): void {
    this.notify();
    if (this.ringing) this.startLoop();
    if (this.trouble) this.startTrouble();
  }

  /** Repeat the trouble tone while the console cannot receive alarms. */
  setTrouble(trouble: boolean): void {
    if (trouble === this.trouble) return;
    this.trouble = trouble;
    if (trouble) this.startTrouble();
    else this.stopTrouble();
  }

  private startTrouble(): void {
    if (this.troubleTimer) return;
    this.troubleBeep();
    this.troubleTimer = setInterval(() => this.troubleBeep(), TROUBLE_PERIOD_MS);
  }

  private stopTrouble(): void {
    if (this.troubleTimer) clearInterval(this.troubleTimer);
    this.troubleTimer = null;
  }

  private troubleBeep(): void {
    if (!this.armed) return;
    this.tone(TROUBLE_TONES_HZ[0], 0, 0.4, 0.3);
    this.tone(TROUBLE_TONES_HZ[1], 0.5, 0.6, 0.3);
  }

  /** Ring while there are unacknowledged alarms; silent otherwise. */
  setRinging(ringing: boolean): void {
    if (ringing === this.ringing) return;
    this.ringing = ringing;
    if (ringing) this.startLoop();
    else this.stopLoop();
  }

  dispose(): void {
    this.stopLoop();
    this.stopTrouble();
    this.ringing = false;
    this.trouble = false;
    const ctx = this.ctx;
    this.ctx = null;
    if (ctx) {
      ctx.onstatechange = null;
      void ctx.close().catch(() => undefined);
    }
    this.notify();
  }

  private startLoop(): void {
    if (this.timer) return;
    this.beep();
    this.timer = setInterval(() => this.beep(), BEEP_PERIOD_MS);
  }

  private stopLoop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Two-tone alarm: high, low, high. */
  private beep(): void {
    if (!this.armed) return;
    this.tone(988, 0, 0.18, 0.35);
    this.tone(740, 0.22, 0.18, 0.35);
    this.tone(988, 0.44, 0.18, 0.35);
  }

  private tone(frequency: number, startIn: number, duration: number, volume: number): void {
    const ctx = this.ctx;
    if (!ctx) return;
    const start = ctx.currentTime + startIn;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'square';
    osc.frequency.setValueAtTime(frequency, start);
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(volume, start + 0.01);
    gain.gain.setValueAtTime(volume, start + duration - 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + duration);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start);
    osc.stop(start + duration + 0.01);
  }
}
