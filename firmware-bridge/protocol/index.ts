export * from './ids.ts';
export * from './topics.ts';
export * from './event.ts';
export * from './mac.ts';
export * from './crc.ts';
export * from './serial-frame.ts';
