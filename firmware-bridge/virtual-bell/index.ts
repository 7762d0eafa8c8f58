export * from './seq-store.ts';
export * from './virtual-bell.ts';
export * from './bell-cli.ts';
