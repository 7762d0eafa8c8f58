export { RflinkSource, RFLINK_BAUD_RATE, type RflinkSourceOptions } from './rflink-source.ts';
export { rflinkMetrics, RFLINK_IGNORED, type RflinkMetrics } from './rflink-metrics.ts';
export { RflinkRepeats, RFLINK_REPEAT_WINDOW_MS } from './repeat-filter.ts';
export { decodeRflinkLine, decodeRflinkLines, splitJoinedLines, MAX_RFLINK_LINE_BYTES, type RflinkLine, type RflinkFrame } from './rflink-line.ts';
export { meaningOf, RFLINK_PRESS_COMMANDS } from './rflink-events.ts';
export { rflinkDeviceId, normaliseRflinkDeviceId, remoteOf, RFLINK_DEVICE_ID_HINT, RFLINK_DEVICE_ID_PATTERN } from './device-id.ts';
