export * from './protocol/index.ts';
export * from './virtual-bell/index.ts';
