export * from './line-reader.ts';
export * from './serial-spec.ts';
export * from './serial-line.ts';
