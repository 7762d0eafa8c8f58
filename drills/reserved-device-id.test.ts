import { describe, expect, it } from 'vitest';
import { validateProvisioning } from '../api/provisioning/index.ts';
import { testProvisioning } from '../test/support/fixtures.ts';

describe('drill bells are marked in the directory, and no provisioned bell can wear the mark', () => {
  it('refuses a bell whose device id starts with drill:', () => {
    const doc = testProvisioning();
    doc.sites[0]!.bells![0] = { ...doc.sites[0]!.bells![0]!, deviceId: 'DRILL:drl_1' };
    const r = validateProvisioning(doc);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual([expect.objectContaining({ path: 'sites[0].bells[0].deviceId', message: expect.stringContaining('reserved for the bells drills create') })]);
  });

  it('accepts the same document without it', () => {
    expect(validateProvisioning(testProvisioning()).ok).toBe(true);
  });
});
