/**
 * From a framed line to what the gateway understands, without I/O: a BellSignal, or a Rejection whose detail
 * starts with the problem word (`bad_crc: …`) so logs can be grepped by it like the metrics label.
 */
import { decodeSerialEvent, type Ack } from '../../../firmware-bridge/protocol/index.ts';
import type { BellSignal, Rejection } from '../../signal.ts';
import { sampleOf, type FramingProblem, type SplitItem } from './line-splitter.ts';

export type SerialFrameProblem = FramingProblem | 'bad_crc' | 'bad_field';

/** Longest excerpt of a refused line put in a log detail: enough to see what it was, bounded. */
const LINE_SAMPLE = 64;

export type LineOutcome = { ok: true; signal: BellSignal } | { ok: false; problem: SerialFrameProblem; rejection: Rejection };

export interface LineContext {
  path: string;
  receivedAt: Date;
  /** Writes an ack for this bell back on the line the frame came from. */
  reply(bellId: string, ack: Ack): void;
}

export function decodeLine(line: string, ctx: LineContext): LineOutcome {
  const d = decodeSerialEvent(line);
  if (!d.ok) {
    const problem = asProblem(d.detail);
    const excerpt = sampleOf(Buffer.from(line.slice(0, LINE_SAMPLE), 'latin1'));
    return { ok: false, problem, rejection: rejection(problem, `"${excerpt}${line.length > LINE_SAMPLE ? '…' : ''}"`, ctx) };
  }
  const { bellId, seq, type, battery } = d.value;
  const base = { bellId, receivedAt: ctx.receivedAt, transport: 'serial' as const };
  if (type === 'hb') return { ok: true, signal: { ...base, kind: 'heartbeat', battery } };
  // Serial frames carry no MAC: the gateway refuses keyed bells on transport 'serial' (PROTOCOL.md §2).
  return { ok: true, signal: { ...base, kind: 'event', seq, type, battery, reply: (ack) => ctx.reply(bellId, ack) } };
}

/** A framing problem of the splitter (noise, cut-off or over-long frame). */
export function framingRejection(item: Extract<SplitItem, { kind: 'rejected' }>, ctx: Omit<LineContext, 'reply'>): Rejection {
  const what = item.detail === 'frame_too_long' ? 'frame longer than the limit, dropped up to the next $' : 'bytes outside a frame';
  return rejection(item.detail, `${what} (${item.bytes} bytes, starting "${item.sample}")`, ctx);
}

function rejection(problem: SerialFrameProblem, text: string, ctx: Omit<LineContext, 'reply'>): Rejection {
  return { reason: 'serial_frame', detail: `${problem}: ${text} on ${ctx.path}`, transport: 'serial', at: ctx.receivedAt };
}

function asProblem(detail: string): SerialFrameProblem {
  switch (detail) {
    case 'no_frame':
    case 'frame_too_long':
    case 'bad_crc':
    case 'bad_field':
      return detail;
    default:
      // The decoder's details are these four today; anything it adds later is still a field problem.
      return 'bad_field';
  }
}
