import type { Socket } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

export interface SubscriberOptions {
  url: string;
  /** Prefix of the generated client id, e.g. `guardbell-gw`. */
  clientIdPrefix: string;
  clientId?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  filters: string[];
  startTimeoutMs?: number | undefined;
  onSubscribeError(err: Error): void;
}

/**
 * The gateway's way onto a broker, shared by every MQTT source: reconnects by itself, sets TCP_NODELAY
 * (Nagle with delayed ACKs adds ~40 ms to every QoS 1 round trip) and subscribes again on every
 * (re)connect (clean sessions). A broker that is down at start does not stop the gateway: `connected`
 * says whether the first connection came within the start timeout, and it keeps trying.
 */
export function connectSubscriber(opts: SubscriberOptions): { client: MqttClient; connected: Promise<boolean> } {
  const options: IClientOptions = {
    clientId: opts.clientId ?? `${opts.clientIdPrefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    protocolVersion: 4,
    reconnectPeriod: 1_000,
    connectTimeout: 5_000,
    // The broker drops a subscriber silent for 1.5 keepalives. With several gateways sharing the bell topics
    // ($share), a frozen one (SIGSTOP, a hung event loop) keeps getting its share of every bell's copies until
    // then: at mqtt.js's default of 60 s a press could have every copy handed to it for over a minute (seen
    // in the chaos run's SIGSTOP fault). At 5 s the live gateways get every copy after 7.5 s.
    keepalive: 5,
    clean: true,
    username: opts.username,
    password: opts.password,
  };
  const client = mqtt.connect(opts.url, options);
  const connected = new Promise<boolean>((resolve) => {
    client.once('connect', () => resolve(true));
    setTimeout(() => resolve(false), opts.startTimeoutMs ?? 5_000).unref();
  });
  client.on('connect', () => {
    (client.stream as Socket).setNoDelay?.(true);
    client.subscribe(opts.filters, { qos: 1 }, (err) => {
      if (err) opts.onSubscribeError(err);
    });
  });
  client.on('error', () => {
    /* mqtt.js reconnects by itself; health reports the broker as down meanwhile */
  });
  return { client, connected };
}
