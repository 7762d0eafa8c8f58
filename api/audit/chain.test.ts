import { describe, expect, it } from 'vitest';
import { canonicalJson, GENESIS_HASH, rowHash, verifyChain, type ChainRow } from './chain.ts';

function chain(n: number): ChainRow[] {
  const rows: ChainRow[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const content = { seq, at: new Date(Date.UTC(2026, 10, 23, 9, 0, seq)), actorId: `p${seq % 3}`, action: 'read', recordType: 'case', recordId: `case-${seq % 2}`, detail: { n: seq, nested: { b: 1, a: [1, 'x'] } }, prevHash };
    const hash = rowHash(content);
    rows.push({ ...content, hash });
    prevHash = hash;
  }
  return rows;
}
const headOf = (rows: ChainRow[]) => ({ seq: rows.at(-1)!.seq, hash: rows.at(-1)!.hash });

describe('audit chain', () => {
  it('canonical JSON sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined, x: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"x":0,"z":1}]},"b":1}');
    expect(rowHash({ ...chain(1)[0]!, detail: { nested: { a: [1, 'x'], b: 1 }, n: 1 } })).toBe(chain(1)[0]!.hash);
  });

  it('an intact chain verifies, empty or not, with and without the head', () => {
    const rows = chain(6);
    expect(verifyChain(rows, headOf(rows))).toEqual({ ok: true, rows: 6, head: headOf(rows) });
    expect(verifyChain(rows).ok).toBe(true);
    expect(verifyChain([], { seq: 0, hash: GENESIS_HASH })).toEqual({ ok: true, rows: 0, head: { seq: 0, hash: GENESIS_HASH } });
  });

  it('a chain verified in pages continues from the last verified row', () => {
    const rows = chain(6);
    expect(verifyChain(rows.slice(3), headOf(rows), { seq: 3, hash: rows[2]!.hash })).toMatchObject({ ok: true, head: headOf(rows) });
    expect(verifyChain(rows.slice(3), undefined, { seq: 3, hash: rows[1]!.hash })).toMatchObject({ ok: false, break: { seq: 3, reason: 'edited' } });
    expect(verifyChain(rows.slice(4), undefined, { seq: 3, hash: rows[2]!.hash })).toMatchObject({ ok: false, break: { seq: 4, reason: 'deleted' } });
  });

  it('an edited row is named by its seq', () => {
    const rows = chain(6);
    rows[3] = { ...rows[3]!, actorId: 'someone-else' };
    expect(verifyChain(rows, headOf(rows))).toMatchObject({ ok: false, break: { seq: 4, reason: 'edited' } });
    const rows2 = chain(6);
    rows2[1] = { ...rows2[1]!, detail: { n: 99 } };
    expect(verifyChain(rows2)).toMatchObject({ ok: false, break: { seq: 2, reason: 'edited' } });
    const rows3 = chain(6);
    rows3[2] = { ...rows3[2]!, at: new Date(rows3[2]!.at.getTime() + 1) };
    expect(verifyChain(rows3)).toMatchObject({ ok: false, break: { seq: 3, reason: 'edited' } });
  });

  it('an edited row whose hash was recomputed is found at the next link, or by the head at the end', () => {
    const rows = chain(6);
    const edited = { ...rows[2]!, recordId: 'other' };
    rows[2] = { ...edited, hash: rowHash(edited) };
    expect(verifyChain(rows, headOf(chain(6)))).toMatchObject({ ok: false, break: { seq: 3, reason: 'edited' } });
    const tail = chain(4);
    const last = { ...tail[3]!, action: 'create' };
    tail[3] = { ...last, hash: rowHash(last) };
    expect(verifyChain(tail, headOf(chain(4)))).toMatchObject({ ok: false, break: { seq: 4, reason: 'edited' } });
  });

  it('a deleted row is named as missing, in the middle or at the end (by the head)', () => {
    const rows = chain(6);
    const head = headOf(rows);
    expect(verifyChain([...rows.slice(0, 2), ...rows.slice(3)], head)).toMatchObject({ ok: false, break: { seq: 3, reason: 'deleted' } });
    expect(verifyChain([...rows.slice(0, 1), ...rows.slice(4)], head)).toMatchObject({ ok: false, break: { seq: 2, reason: 'deleted', message: 'seq 2–4 are missing: deleted' } });
    expect(verifyChain(rows.slice(1), head)).toMatchObject({ ok: false, break: { seq: 1, reason: 'deleted' } });
    expect(verifyChain(rows.slice(0, 5), head)).toMatchObject({ ok: false, break: { seq: 6, reason: 'deleted' } });
    expect(verifyChain([], head)).toMatchObject({ ok: false, break: { seq: 1, reason: 'deleted' } });
  });

  it('swapped rows (their seqs exchanged) are named as reordered', () => {
    const rows = chain(6);
    const a = rows[2]!;
    const b = rows[3]!;
    const swapped = [...rows.slice(0, 2), { ...b, seq: 3 }, { ...a, seq: 4 }, ...rows.slice(4)];
    expect(verifyChain(swapped, headOf(rows))).toMatchObject({ ok: false, break: { seq: 3, reason: 'reordered' } });
  });

  it('rows handed over out of order are named as reordered', () => {
    const rows = chain(4);
    expect(verifyChain([rows[0]!, rows[2]!, rows[1]!, rows[3]!])).toMatchObject({ ok: false, break: { reason: 'deleted', seq: 2 } });
    expect(verifyChain([rows[0]!, rows[1]!, rows[0]!])).toMatchObject({ ok: false, break: { reason: 'reordered', seq: 1 } });
  });
});
