export * from './signal.ts';
export * from './verify.ts';
export * from './gateway.ts';
export * from './metrics.ts';
export * from './sources/mqtt-native.ts';
export * from './broker/embedded-broker.ts';
export * from './sources/serial/index.ts';
export * from './supervision.ts';
