/**
 * Receiver answers (DEVICES.md §3.3), pure: each framed as LF + CRC-16/ARC + length + body + CR.
 */
import { encryptContent, type Dc09Key } from './aes.ts';
import { dc09Time, frameMessage, type Dc09Frame } from './frame.ts';

type Addressed = Pick<Dc09Frame, 'seq' | 'receiver' | 'line' | 'account'>;

const address = (f: Addressed) => `${f.seq}${f.receiver}${f.line}#${f.account}`;

/** `"ACK"<seq><R><L>#<acct>[]`: the message was taken (for events: stored). */
export function ackResponse(f: Addressed): string {
  return frameMessage(`"ACK"${address(f)}[]`);
}

/** `"*ACK"…[` + HEX(AES-CBC(pad + `]_timestamp`)): the answer to an encrypted message. */
export function encryptedAckResponse(f: Addressed, key: Dc09Key, now: Date): string {
  return frameMessage(`"*ACK"${address(f)}[${encryptContent(`]_${dc09Time(now)}`, key)}`);
}

/** `"NAK"0000R0L0A0[]_<now>`: refused (format, CRC, time window); carries our clock so the panel can resync. */
export function nakResponse(now: Date): string {
  return frameMessage(`"NAK"0000R0L0A0[]_${dc09Time(now)}`);
}

/** `"DUH"<seq><R><L>#<acct>[]`: well-formed but not understood (an event code or account we do not know). Never encrypted. */
export function duhResponse(f: Addressed): string {
  return frameMessage(`"DUH"${address(f)}[]`);
}
