export { SerialSource, type SerialSourceOptions } from './serial-source.ts';
export { SerialAckRoutes } from './ack-routes.ts';
export { serialMetrics, type SerialMetrics } from './serial-metrics.ts';
export { openNodeSerialLink, type OpenSerialLink, type SerialLink, type SerialLineConfig } from '../../../firmware-bridge/serial-line/serial-link.ts';
export { LineSplitter, type SplitItem } from './line-splitter.ts';
