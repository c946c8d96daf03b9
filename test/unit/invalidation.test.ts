import { describe, expect, it } from 'vitest';
import type { ConsoleStatus } from '../../src-shared/contract/offline-models';
import {
  INVALIDATION,
  applyInvalidation,
  concerns,
  connectivityTrigger,
  invalidate,
  onInvalidate,
  reloadsFor,
  type ReloadKey,
  type Reloaders,
  type Trigger,
} from '../../src-renderer/store/invalidation';

const KEYS: readonly ReloadKey[] = [
  'connectivity',
  'reference',
  'tenants',
  'tenantDetail',
  'tenantActivity',
  'tenantPlan',
  'backups',
  'usage',
  'plans',
  'audit',
  'billingOverview',
  'tenantBilling',
];

/** Reloaders that only record which keys ran, and with which trigger. */
function recording() {
  const calls: { key: ReloadKey; trigger: Trigger }[] = [];
  const reloaders = Object.fromEntries(KEYS.map((key) => [key, (trigger: Trigger) => calls.push({ key, trigger })])) as unknown as Reloaders;
  return { calls, reloaders };
}

describe('the invalidation table', () => {
  it('a plan edit reloads exactly the plans page, the plan pickers, the tenants list and usage', () => {
    const { calls, reloaders } = recording();
    applyInvalidation({ event: 'plan:edited' }, reloaders);
    expect(calls.map((call) => call.key)).toEqual(['plans', 'reference', 'tenants', 'usage']);
  });

  it('tenant:changed reloads the list, the drawer and its journal, and hands each the event', () => {
    const { calls, reloaders } = recording();
    const trigger: Trigger = { event: 'tenant:changed', tenantCode: 'acme', version: 4 };
    applyInvalidation(trigger, reloaders);
    expect(calls.map((call) => call.key)).toEqual(['tenants', 'tenantDetail', 'tenantActivity']);
    expect(calls.every((call) => call.trigger === trigger)).toBe(true);
  });

  it('a payment recorded reloads the billing overview and the tenant’s billing tab, nothing else', () => {
    const { calls, reloaders } = recording();
    applyInvalidation({ event: 'invoice:changed' }, reloaders);
    expect(calls.map((call) => call.key)).toEqual(['billingOverview', 'tenantBilling']);
  });

  it('each contract event has its row', () => {
    expect(reloadsFor({ event: 'usage:collected' })).toEqual(['usage']);
    expect(reloadsFor({ event: 'console:connectivity', online: true, backOnline: true })).toEqual([
      'tenants',
      'tenantDetail',
      'tenantActivity',
      'tenantPlan',
      'usage',
      'plans',
      'audit',
      'reference',
    ]);
    expect(reloadsFor({ event: 'stream:reconnected' })).toEqual(['connectivity', 'tenants', 'tenantDetail', 'tenantActivity']);
  });

  it('no row names a key twice', () => {
    for (const [event, keys] of Object.entries(INVALIDATION)) expect(new Set(keys).size, event).toBe(keys.length);
  });

  it('invalidate reaches the subscriber until it unsubscribes', () => {
    const seen: Trigger[] = [];
    const off = onInvalidate((trigger) => seen.push(trigger));
    invalidate({ event: 'tenant:created' });
    off();
    invalidate({ event: 'tenant:created' });
    expect(seen).toEqual([{ event: 'tenant:created' }]);
  });
});

describe('concerns', () => {
  it('narrows tenant-scoped triggers to the tenant shown', () => {
    expect(concerns({ event: 'tenant:deleted', tenantCode: 'acme' }, 'acme')).toBe(true);
    expect(concerns({ event: 'tenant:deleted', tenantCode: 'acme' }, 'globex')).toBe(false);
    expect(concerns({ event: 'plan:tenantsMoved', tenantCodes: ['acme', 'initech'] }, 'initech')).toBe(true);
    expect(concerns({ event: 'plan:tenantsMoved', tenantCodes: ['acme'] }, 'globex')).toBe(false);
    expect(concerns({ event: 'stream:reconnected' }, 'acme')).toBe(true);
    expect(concerns({ event: 'stream:reconnected' }, null)).toBe(false);
  });
});

describe('connectivityTrigger', () => {
  const online: ConsoleStatus = { online: true, review: null } as unknown as ConsoleStatus;
  const offline: ConsoleStatus = { ...online, online: false } as ConsoleStatus;
  const reviewing = (importedAt: string) => ({ ...online, review: { importedAt, consoleLabel: 'laptop' } }) as unknown as ConsoleStatus;

  it('fires on the first status, on a flip and when a review starts or ends', () => {
    expect(connectivityTrigger(null, online)).toEqual({ event: 'console:connectivity', online: true, backOnline: false });
    expect(connectivityTrigger(online, offline)).toEqual({ event: 'console:connectivity', online: false, backOnline: false });
    expect(connectivityTrigger(offline, online)).toEqual({ event: 'console:connectivity', online: true, backOnline: true });
    expect(connectivityTrigger(online, reviewing('2025-01-01T00:00:00Z'))).toMatchObject({ online: true, backOnline: false });
    expect(connectivityTrigger(reviewing('2025-01-01T00:00:00Z'), online)).not.toBeNull();
  });

  it('stays quiet when main re-sends the same status', () => {
    expect(connectivityTrigger(online, { ...online } as ConsoleStatus)).toBeNull();
    expect(connectivityTrigger(reviewing('2025-01-01T00:00:00Z'), reviewing('2025-01-01T00:00:00Z'))).toBeNull();
    expect(connectivityTrigger(online, null)).toBeNull();
  });
});
