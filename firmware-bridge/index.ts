export * from './protocol/index.ts';
export * from './serial-line/index.ts';
export * from './virtual-bell/index.ts';
export * from './edge-bridge/index.ts';
