import { createServer, type Server, type Socket } from 'node:net';
import { Aedes, type AedesOptions } from 'aedes';
import { guardPacketSize } from './packet-size-guard.ts';

/**
 * Connections waiting to be accepted. Node's default (511) overflows when thousands of bells come back at once
 * after a power cut: the kernel then drops their handshakes and each bell retries a second or more later. The
 * kernel caps it at net.core.somaxconn (4096 on current kernels).
 */
export const LISTEN_BACKLOG = 8192;

/**
 * Messages aedes delivers at once before it queues the rest. Its default (100) queues the wills and `$SYS`
 * disconnect notices of a power cut behind the deliveries still waiting on the gateway, and mqemitter drains that
 * queue by recursion: 10,000 bells cut at once overflowed the stack and ended the process (mcollina/mqemitter#204).
 * The queue has no bound either way, so the limit only ever bought ordering; unqueued, nothing recurses.
 */
export const DELIVERY_CONCURRENCY = 1_000_000;

/** Bells send a few hundred bytes; a bridge's device list can reach a few hundred KiB. */
export const DEFAULT_MAX_PACKET_BYTES = 256 * 1024;

export interface EmbeddedBroker {
  port: number;
  /** The address listened on. */
  host: string;
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
  /** Told the broker once it exists (the device auth checks its connected clients for takeovers). */
  attach?(aedes: Aedes): void;
  /** A connection announcing a larger packet is closed before the packet is read. */
  maxPacketBytes?: number;
  onPacketTooBig?(announced: number, remote: string | undefined): void;
}): Promise<EmbeddedBroker> {
  const aedes = opts.aedes ?? (await Aedes.createBroker({ ...(opts.auth ?? {}), concurrency: DELIVERY_CONCURRENCY }));
  opts.attach?.(aedes);
  const maxPacketBytes = opts.maxPacketBytes ?? DEFAULT_MAX_PACKET_BYTES;
  const server: Server = createServer((socket: Socket) => {
    socket.setNoDelay(true);
    guardPacketSize(socket, maxPacketBytes, (announced) => opts.onPacketTooBig?.(announced, socket.remoteAddress));
    aedes.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(opts.port, 'MQTT_PORT') : err);
    });
    server.listen({ port: opts.port, host: opts.host ?? '0.0.0.0', backlog: LISTEN_BACKLOG }, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    port,
    host: typeof address === 'object' && address ? address.address : (opts.host ?? '0.0.0.0'),
    url: `mqtt://127.0.0.1:${port}`,
    aedes,
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
