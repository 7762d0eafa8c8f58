export { SiaDc09Source, type SiaDc09SourceOptions } from './sia-source.ts';
export { siaMetrics, type SiaMetrics } from './sia-metrics.ts';
export { dc09Key, type Dc09Key, type KeyFormat } from './aes.ts';
export { crc16Arc, frameMessage, dc09Time, parseFrame, Dc09StreamSplitter } from './frame.ts';
export { ackResponse, nakResponse, duhResponse } from './responses.ts';
export { SEQ_EPOCH_MS } from './seq-assigner.ts';
