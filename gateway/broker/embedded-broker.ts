import { createServer, type Server, type Socket } from 'node:net';
import { Aedes, type AedesOptions } from 'aedes';

export interface EmbeddedBroker {
  port: number;
  url: string;
  aedes: Aedes;
  close(): Promise<void>;
}

export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly what: string,
  ) {
    super(`port ${port} (${what}) is already in use`);
  }
}

/**
 * Starts aedes (MQTT 3.1.1) on a TCP port. TCP_NODELAY on every socket: Nagle with delayed ACKs adds
 * about 40 ms to a QoS 1 round trip.
 */
export async function startEmbeddedBroker(opts: {
  port: number;
  host?: string;
  aedes?: Aedes;
  /** Authentication and authorization hooks (see device-auth.ts); ignored when `aedes` is given. */
  auth?: Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe'>;
}): Promise<EmbeddedBroker> {
  const aedes = opts.aedes ?? (await Aedes.createBroker({ ...(opts.auth ?? {}) }));
  const server: Server = createServer((socket: Socket) => {
    socket.setNoDelay(true);
    aedes.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(opts.port, 'MQTT_PORT') : err);
    });
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    aedes,
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
