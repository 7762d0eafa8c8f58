/**
 * A TCP proxy whose connections a test controls: cut (every connection reset, new ones refused, as a dead switch,
 * a dropped Wi-Fi or a failed-over server: a browser sees its WebSocket close at once), slow (every chunk held
 * back, as an overloaded server), and restored. In front of PostgreSQL for the chaos run, in front of the API for
 * the browser tests.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export class FaultProxy {
  private readonly sockets = new Set<Socket>();
  private cutOff = false;
  /** Each chunk in either direction waits this long: a query answers at least this late. */
  delayMs = 0;
  private constructor(private readonly server: Server, readonly port: number) {}

  /** A proxy in front of an HTTP server (`http://host:port`); its own address is {@link url}. */
  static forUrl(target: string): Promise<FaultProxy> {
    const { hostname, port } = new URL(target);
    return FaultProxy.start(hostname, Number(port));
  }

  static async start(targetHost: string, targetPort: number): Promise<FaultProxy> {
    let proxy: FaultProxy | undefined;
    const server = createServer((client) => {
      if (!proxy || proxy.cutOff) return client.resetAndDestroy();
      const p = proxy;
      const upstream = connect(targetPort, targetHost);
      for (const s of [client, upstream]) {
        p.sockets.add(s);
        s.on('close', () => p.sockets.delete(s));
        s.on('error', () => undefined);
      }
      const forward = (from: Socket, to: Socket) =>
        from.on('data', (chunk) => {
          if (p.delayMs <= 0) return void to.write(chunk);
          from.pause();
          setTimeout(() => {
            if (!to.destroyed) to.write(chunk);
            from.resume();
          }, p.delayMs);
        });
      forward(client, upstream);
      forward(upstream, client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('proxy has no port');
    proxy = new FaultProxy(server, address.port);
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get connections(): number {
    return this.sockets.size / 2;
  }

  cut(): void {
    this.cutOff = true;
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
  }

  restore(): void {
    this.cutOff = false;
    this.delayMs = 0;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
