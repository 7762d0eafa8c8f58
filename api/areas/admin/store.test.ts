import { describe, expect, it } from 'vitest';
import { provisioningDocumentSchema } from '../../provisioning/index.ts';
import { BELL_FIELDS_KEPT_WHEN_LEFT_OUT, BELL_FIELDS_WRITTEN, compact, SITE_FIELDS_KEPT_WHEN_LEFT_OUT, SITE_FIELDS_WRITTEN, siteFields } from './store.ts';

/** The zod shapes of a provisioning site and bell (the schema's own structure, read for this check only). */
function shapes() {
  type Shape = { shape: Record<string, { def: { innerType: { element: Shape } } }> };
  const doc = provisioningDocumentSchema as unknown as Shape;
  const site = doc.shape.sites!.def.innerType.element;
  const bell = site.shape.bells!.def.innerType.element;
  return { site: Object.keys(site.shape).sort(), bell: Object.keys(bell.shape).sort() };
}

describe('the stored site written back as a provisioning document', () => {
  it('carries every field of a provisioning site and bell, or the field is kept by leaving it out', () => {
    // A new field in the document that the admin routes do not carry would be reset by every admin change.
    expect([...SITE_FIELDS_WRITTEN, ...SITE_FIELDS_KEPT_WHEN_LEFT_OUT].sort()).toEqual(shapes().site);
    expect([...BELL_FIELDS_WRITTEN, ...BELL_FIELDS_KEPT_WHEN_LEFT_OUT].sort()).toEqual(shapes().bell);
  });

  it('siteFields keeps the site\'s own fields and drops unset ones, counters, bells and roster', () => {
    expect(siteFields({ id: 's', name: 'S', police: null, drillLiaison: undefined, counters: [], bells: [], roster: [], serialPorts: [] }))
      .toEqual({ id: 's', name: 'S', serialPorts: [] });
    expect(compact({ a: 0, b: null, c: undefined, d: '' })).toEqual({ a: 0, d: '' });
  });
});
