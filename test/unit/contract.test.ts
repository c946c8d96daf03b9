import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { channels, CHANNEL_NAMES, isChannelName } from '../../src-shared/contract/channels';
import { events, isEventName } from '../../src-shared/contract/events';
import { createDispatch } from '../../src-main/app/dispatch';
import type { Handlers } from '../../src-main/base/handler-types';
import { AppError } from '../../src-main/base/app-error';
import { statusActionProblem } from '../../src-shared/domain/status';

const silent = { error: () => undefined };

describe('the contract', () => {
  it('gives every channel an input and an output schema', () => {
    for (const name of CHANNEL_NAMES) {
      expect(channels[name].input).toBeInstanceOf(z.ZodType);
      expect(channels[name].output).toBeInstanceOf(z.ZodType);
      expect(name).toMatch(/^[a-z][a-zA-Z]*:[a-zA-Z]+$/);
    }
  });

  it('marks every state-changing channel as mutating (audited, refused offline)', () => {
    const mutating = CHANNEL_NAMES.filter((name) => channels[name].mutates).sort();
    expect(mutating).toEqual(
      [
        'settings:update', 'tenants:activate', 'tenants:cancel', 'tenants:create', 'tenants:reconcile', 'tenants:suspend',
        'plans:update', 'plans:moveTenants', 'priceChanges:schedule', 'priceChanges:cancel', 'tenants:changePlan', 'tenants:setOverride', 'tenants:revokeOverride', 'fleet:migrate',
        'usage:collect',
        'snapshot:import', 'snapshot:closeReview',
        'backups:create', 'backups:restore', 'backups:export', 'backups:prune', 'backups:updateSettings', 'tenants:delete', 'tenants:runScheduledDeletions',
        'billing:updateSettings', 'billing:testEmail', 'billing:changePlan', 'billing:cancelSubscription', 'billing:resumeSubscription',
        'billing:setPaymentMethod', 'billing:setConversionPlan', 'billing:runJobs', 'billing:syncStripe', 'billing:linkStripePrice',
        'invoices:create', 'invoices:finalize', 'invoices:void', 'invoices:recordPayment',
        'session:signIn', 'session:signOut', 'session:changePassword',
        'operators:add', 'operators:setRole', 'operators:disable', 'operators:enable', 'operators:resetPassword',
        'tenants:rotateCredentials', 'apiKeys:create', 'apiKeys:revoke', 'api:start', 'api:stop',
      ].sort(),
    );
    // Only these touch nothing but the local cache, so they stay allowed offline and under review.
    const localOnly = CHANNEL_NAMES.filter((name) => (channels[name] as { localOnly?: boolean }).localOnly).sort();
    expect(localOnly).toEqual(['session:signOut', 'snapshot:closeReview', 'snapshot:import']);
  });

  it('recognises only its own channel and event names', () => {
    expect(isChannelName('tenants:list')).toBe(true);
    expect(isChannelName('toString')).toBe(false);
    expect(isChannelName('__proto__')).toBe(false);
    expect(isEventName('job:progress')).toBe(true);
    expect(isEventName('constructor')).toBe(false);
    expect(Object.keys(events)).toEqual(['job:progress', 'tenant:changed', 'usage:collected', 'console:connectivity']);
  });

  it('refuses unknown input fields (strict objects)', () => {
    const result = channels['tenants:suspend'].input.safeParse({ ref: 'ACME001', reason: 'x', expectedVersion: 1, status: 'active' });
    expect(result.success).toBe(false);
  });

  it('applies list defaults and caps page size', () => {
    expect(channels['tenants:list'].input.parse({})).toMatchObject({ sort: 'createdAt', direction: 'desc', offset: 0, limit: 50 });
    expect(channels['tenants:list'].input.safeParse({ limit: 10_000 }).success).toBe(false);
  });
});

describe('dispatch', () => {
  const handlers = {
    'settings:get': async () => ({ baseDomain: 'example.com', cancellationRetentionDays: 30, limitWarningPercent: 80, usageCollectionIntervalHours: 24, spareDatabasesPerPlan: 2, sessionIdleMinutes: 30, signupRequestsPerHour: 5, signupInvitationDays: 7, onboardingStalledDays: 3, secret: 'stripped' }),
    'tenants:get': async ({ ref }: { ref: string }) => {
      throw new AppError('NOT_FOUND', `No tenant ${ref}.`);
    },
    'tenants:activate': async () => {
      throw new Error('boom: internal detail');
    },
  } as unknown as Handlers;
  const dispatch = createDispatch(handlers, silent);

  it('refuses unknown channels', async () => {
    expect(await dispatch('tenants:drop', {}, { origin: 'test' })).toEqual({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: 'Unknown channel: tenants:drop' } });
  });

  it('validates before the handler runs', async () => {
    const result = await dispatch('tenants:get', { ref: "x'; DROP TABLE tenants; --" }, { origin: 'test' });
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('answers expected failures as data and hides internal ones', async () => {
    expect(await dispatch('tenants:get', { ref: 'ACME001' }, { origin: 'test' })).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No tenant ACME001.' } });
    const internal = await dispatch('tenants:activate', { ref: 'ACME001', expectedVersion: 1 }, { origin: 'test' });
    expect(internal).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'Internal error in tenants:activate; the console log has the details.' } });
  });

  it('strips output fields the schema does not describe', async () => {
    expect(await dispatch('settings:get', {}, { origin: 'test' })).toEqual({
      ok: true,
      value: { baseDomain: 'example.com', cancellationRetentionDays: 30, limitWarningPercent: 80, usageCollectionIntervalHours: 24, spareDatabasesPerPlan: 2, sessionIdleMinutes: 30, signupRequestsPerHour: 5, signupInvitationDays: 7, onboardingStalledDays: 3 },
    });
  });
});

describe('status transitions', () => {
  it('allows only the documented moves', () => {
    expect(statusActionProblem('suspend', 'active')).toBeNull();
    expect(statusActionProblem('suspend', 'suspended')).toMatch(/Cannot suspend/);
    expect(statusActionProblem('activate', 'suspended')).toBeNull();
    expect(statusActionProblem('activate', 'cancelled')).toBeNull();
    expect(statusActionProblem('activate', 'active')).toMatch(/Cannot activate/);
    expect(statusActionProblem('cancel', 'provisioning')).toMatch(/Cannot cancel/);
    expect(statusActionProblem('suspend', 'deleted')).toMatch(/Cannot suspend/);
  });
});
