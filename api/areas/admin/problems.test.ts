import { describe, expect, it } from 'vitest';
import { asBody, reroot } from './problems.ts';

describe('reroot', () => {
  it('turns document paths of the edited entity into form paths and keeps the others', () => {
    const out = reroot([
      { path: 'sites[0].bells[2].key', message: 'bad key' },
      { path: 'sites[0].bells[2]', message: 'whole bell' },
      { path: 'sites[0].bells[2].confirm.within', message: 'too short' },
      { path: 'sites[0].bells[1].deviceId', message: 'stored bell' },
      { path: 'sites[0].bells[20].id', message: 'not the same index' },
    ], 'sites[0].bells[2]');
    expect(out.map((p) => p.path)).toEqual(['key', '(form)', 'confirm.within', 'sites[0].bells[1].deviceId', 'sites[0].bells[20].id']);
    expect(out[0]).toEqual({ path: 'key', message: 'bad key', documentPath: 'sites[0].bells[2].key' });
  });

  it('re-roots list items and renames a top-level field', () => {
    const out = reroot([
      { path: 'sites[0].roster[1].personId', message: 'not a guard' },
      { path: 'sites[0].escalation.steps[0].id', message: 'duplicate' },
    ], 'sites[0]', { escalation: 'policy' });
    expect(out.map((p) => p.path)).toEqual(['roster[1].personId', 'policy.steps[0].id']);
  });

  it('carries each problem\'s code and params, for the console to say in the user\'s language', () => {
    const [out] = reroot([
      { path: 'sites[0].bells[2].counterId', message: 'counter "x" is not a counter of site "s"', code: 'unknown_reference', params: { kind: 'counter', id: 'x', site: 's' } },
    ], 'sites[0].bells[2]');
    expect(out).toEqual({
      path: 'counterId', message: 'counter "x" is not a counter of site "s"', code: 'unknown_reference',
      params: { kind: 'counter', id: 'x', site: 's' }, documentPath: 'sites[0].bells[2].counterId',
    });
  });
});

describe('asBody', () => {
  it('accepts only objects', () => {
    expect(asBody({ a: 1 })).toEqual({ a: 1 });
    expect(asBody([1])).toBeNull();
    expect(asBody(null)).toBeNull();
    expect(asBody('x')).toBeNull();
  });
});
