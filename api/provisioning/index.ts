/** Provisioning documents (PROTOCOL.md §5): schema, reference checks and parsing. Pure: applying is elsewhere. */
export * from './document.ts';
export * from './references.ts';
export * from './parse.ts';
