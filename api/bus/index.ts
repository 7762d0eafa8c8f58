export { AlarmBus, type BusCounters, type BusHandler, type BusMeta, type BusScope, type BusTransport } from './bus.ts';
export { BUS_EVENTS, INCIDENT_EVENTS, type BusEvents, type BusEventType, type Envelope } from './events.ts';
export { PgBusTransport, BUS_CHANNEL } from './pg-transport.ts';
export { startBus, type BusPort } from './start.ts';
