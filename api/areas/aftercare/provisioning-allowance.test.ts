import { describe, expect, it } from 'vitest';
import { parseProvisioningText } from '../../provisioning/index.ts';

const doc = (site: Record<string, unknown>) => JSON.stringify({
  sites: [{ id: 's1', name: 'Office', address: '1 Road', timezone: 'Asia/Seoul', ...site }],
});

describe('provisioning: a site\'s aftercare allowance', () => {
  it('is optional, a whole number of won', () => {
    expect(parseProvisioningText(doc({}), 'site.json').ok).toBe(true);
    const r = parseProvisioningText(doc({ aftercareAllowanceKrw: 800_000 }), 'site.json');
    expect(r.ok && r.document.sites[0]!.aftercareAllowanceKrw).toBe(800_000);
  });

  it('names a bad value by its path', () => {
    for (const bad of [-1, 1.5, '500000', 1e12]) {
      const r = parseProvisioningText(doc({ aftercareAllowanceKrw: bad }), 'site.json');
      expect(r.ok ? [] : r.problems.map((p) => p.path)).toEqual(['sites[0].aftercareAllowanceKrw']);
    }
  });
});
