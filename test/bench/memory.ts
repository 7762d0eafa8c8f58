/** Peak memory of this process (sampled every 250 ms) and event-loop delay while measuring. */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface MemoryReport {
  /** RSS once the system is up and provisioned, before any bell connects. */
  rssBeforeBells: number;
  /** RSS once every bell is connected and subscribed. */
  rssAfterBells: number;
  peakRss: number;
  peakHeapUsed: number;
  samples: number;
}

export interface LoopDelayReport {
  p50: number;
  p99: number;
  max: number;
}

export class MemorySampler {
  private timer: NodeJS.Timeout | undefined;
  private peakRss = 0;
  private peakHeap = 0;
  private samples = 0;
  private rssBeforeBells = 0;
  private rssAfterBells = 0;

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), 250);
  }

  markBeforeBells(): void {
    this.rssBeforeBells = this.sample();
  }

  markAfterBells(): void {
    this.rssAfterBells = this.sample();
  }

  stop(): MemoryReport {
    clearInterval(this.timer);
    this.sample();
    return {
      rssBeforeBells: this.rssBeforeBells,
      rssAfterBells: this.rssAfterBells,
      peakRss: this.peakRss,
      peakHeapUsed: this.peakHeap,
      samples: this.samples,
    };
  }

  private sample(): number {
    const m = process.memoryUsage();
    this.samples++;
    if (m.rss > this.peakRss) this.peakRss = m.rss;
    if (m.heapUsed > this.peakHeap) this.peakHeap = m.heapUsed;
    return m.rss;
  }
}

/** How late the event loop runs timers: bells, broker, gateway and API all share it here. */
export class LoopDelay {
  private readonly h: IntervalHistogram = monitorEventLoopDelay({ resolution: 5 });

  start(): void {
    this.h.reset();
    this.h.enable();
  }

  stop(): LoopDelayReport {
    this.h.disable();
    const toMs = (ns: number) => ns / 1e6;
    return { p50: toMs(this.h.percentile(50)), p99: toMs(this.h.percentile(99)), max: toMs(this.h.max) };
  }
}
