export * from './cli.ts';
export * from './control-socket.ts';
export * from './embedded.ts';
export * from './postgres.ts';
export * from './summary.ts';
