/**
 * Which serial port last heard each bell, shared by all serial sources of a process: an ack that follows a
 * person's action goes out on that one port only, not on every line (a bell moved to another hub must not
 * get its answers twice, and other lines must not carry them at all).
 */
export class SerialAckRoutes {
  private readonly lastHeard = new Map<string, object>();

  /** A bound so that a line spewing valid frames with random ids cannot grow memory; oldest forgotten first. */
  constructor(private readonly maxBells = 10_000) {}

  heard(bellId: string, port: object): void {
    this.lastHeard.delete(bellId); // re-insert: Map order is then least recently heard first
    this.lastHeard.set(bellId, port);
    if (this.lastHeard.size > this.maxBells) {
      const oldest = this.lastHeard.keys().next().value;
      if (oldest !== undefined) this.lastHeard.delete(oldest);
    }
  }

  isLastHeardOn(bellId: string, port: object): boolean {
    return this.lastHeard.get(bellId) === port;
  }
}
