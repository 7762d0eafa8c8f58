export * from './board-protocol.ts';
export * from './config.ts';
export * from './contact.ts';
export * from './lamp-state.ts';
export * from './edge-bridge.ts';
export * from './edge-bridge-cli.ts';
