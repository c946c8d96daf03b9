import { describe, expect, it } from 'vitest';
import { RECONCILERS } from '../../src-main/app/reconcilers';
import { OPERATION_KINDS } from '../../src-main/operations/journal';
import { reconcilerRegistry, type ReconcileHandler } from '../../src-main/operations/reconcile';

describe('the reconcile registry', () => {
  it('has a reconciler for every kind of journaled operation, and nothing else', () => {
    expect([...RECONCILERS.keys()].sort()).toEqual([...OPERATION_KINDS].sort());
  });

  it('refuses two reconcilers for one kind', () => {
    const handle: ReconcileHandler = async () => 'resumed';
    expect(() => reconcilerRegistry([{ kinds: ['backup'], handle }, { kinds: ['export', 'backup'], handle }])).toThrow('Two reconcilers for "backup" operations.');
  });
});
