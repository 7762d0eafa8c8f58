/**
 * The alarm sound: a WebAudio beep loop made with an oscillator (no audio files). Browsers only
 * let a page make sound after a user gesture, so the console asks the user to arm it once.
 */

type AudioContextCtor = typeof AudioContext;

function audioContextCtor(): AudioContextCtor | null {
  const w = window as unknown as { AudioContext?: AudioContextCtor; webkitAudioContext?: AudioContextCtor };
  return w.AudioContext ?? w.webkitAudioContext ?? null;
}

export const BEEP_PERIOD_MS = 1_200;

export class AlarmSound {
  private ctx: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private ringing = false;
  private readonly listeners = new Set<() => void>();

  get supported(): boolean {
    return audioContextCtor() !== null;
  }

  get armed(): boolean {
    return this.ctx !== null && this.ctx.state === 'running';
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
    if (this.armed) this.tone(1_320, 0, 0.08, 0.12);
    this.notify();
    if (this.ringing) this.startLoop();
    return this.armed;
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
    this.ringing = false;
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
