import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { CHANNEL_NAMES, channels, type ChannelInput, type ChannelName, type ChannelOutput } from '../../src-shared/contract/channels';
import type { TenantDetail } from '../../src-shared/contract/models';
import { OPERATOR_ROLES, mayCall, permissionDeniedMessage, type OperatorRole } from '../../src-shared/contract/operator-roles';
import { call, uniqueTenantInput } from '../support/core-calls';
import { callAs, capturingLogger, openCapturingCore, ownerClient, PG_PERMISSION_ERROR, platformFingerprint, signedInOperators, type SignedInOperator } from '../support/operator-world';
import { dropTestPlatform, serverCases, uniquePlatformDatabase } from '../support/servers';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture';
import { openStripeTestBed, type StripeTestBed } from '../support/stripe-billing-setup';

/**
 * The role matrix of issue 12, generated from the contract: every mutating channel (but the
 * session's own) called by an operator of every role, on that operator's own PostgreSQL
 * connection. A refused role gets FORBIDDEN with the contract's exact words, the refusal is
 * audited, and nothing on the platform or the server changed. An allowed role's call never
 * meets a PostgreSQL permission error (in its answer or in the console's log), and the main
 * channels' real results are checked: support suspends and activates, billing records
 * payments and changes plans, admin does everything.
 *
 * A mutating channel without a fixture here fails the first test: a new channel needs a
 * role decision (operator-roles.ts, enforced by the compiler) and a row in this table.
 */

type MutatingChannel = {
  [C in ChannelName]: (typeof channels)[C]['mutates'] extends true ? (C extends `session:${string}` ? never : C) : never;
}[ChannelName];

const MATRIX_CHANNELS = CHANNEL_NAMES.filter((channel) => channels[channel].mutates && !channel.startsWith('session:'));

interface World {
  readonly core: ConsoleCore;
  readonly admin: pg.Client;
  readonly files: string;
  /** The loopback SMTP server billing:testEmail sends to (the manual-billing platform only). */
  readonly smtp?: SmtpCapture;
  readonly operators: Record<OperatorRole, SignedInOperator>;
  /** A tenant by key, made once by the local admin (on `plan`); `fresh` re-reads it (its version moves). */
  tenant(key: string, plan?: string): Promise<TenantDetail>;
  fresh(key: string): Promise<TenantDetail>;
  /** A call as the local admin (the console's current session), to set the scene. */
  owner<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
}

interface Fixture<C extends ChannelName> {
  /**
   * A valid input for `role`; may set the scene first as the local admin. `allowed` says
   * whether the role may call: refused roles share one untouched tenant, allowed roles get
   * their own where the call is destructive.
   */
  readonly input: (w: World, role: OperatorRole, allowed: boolean) => Promise<ChannelInput<C>>;
  /** The real result of an allowed call (the main channels). */
  readonly check?: (w: World, role: OperatorRole, value: ChannelOutput<C>) => Promise<void>;
  /**
   * An allowed call that cannot succeed here for a reason that is not a permission (no
   * Stripe account in this test): the expected error code, and why.
   */
  readonly notHere?: { readonly code: string; readonly why: string };
}

type Fixtures = { readonly [C in MutatingChannel]: Fixture<C> };

const keyFor = (name: string, role: OperatorRole, allowed: boolean) => (allowed ? `${name}-${role}` : 'untouched');

async function canLogin(w: World, tenant: TenantDetail): Promise<boolean> {
  const { rows } = await w.admin.query<{ rolcanlogin: boolean }>('SELECT rolcanlogin FROM pg_roles WHERE rolname = (SELECT db_role FROM tenants WHERE id = $1)', [tenant.id]);
  return rows[0]!.rolcanlogin;
}

async function ownersOperator(w: World, name: string, role: OperatorRole = 'viewer'): Promise<string> {
  const existing = await w.owner('operators:list', {});
  if (!existing.some((operator) => operator.name === name)) await w.owner('operators:add', { name, role });
  return name;
}

async function openInvoice(w: World, key: string): Promise<ChannelOutput<'invoices:finalize'>> {
  const tenant = await w.tenant(key);
  const draft = await w.owner('invoices:create', { ref: tenant.tenantCode, lines: [{ description: 'Onboarding', quantity: 1, unitCents: 12_500 }] });
  return w.owner('invoices:finalize', { id: draft.id });
}

/** The plan plans:moveTenants gets new versions of (not the trial plan, not the plan plans:update edits). */
const MOVE_PLAN = 'starter';

/** The plan whose new tenants start on a trial (given trial days in beforeAll). */
const TRIAL_PLAN = 'professional';

/** The plan announced price changes are scheduled on: a tenant on an older version of it. */
const PRICE_CHANGE_PLAN = 'enterprise';
const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
async function scheduledPriceChangeScene(w: World, key: string): Promise<void> {
  await w.tenant(key, PRICE_CHANGE_PLAN);
  await w.owner('plans:update', { code: PRICE_CHANGE_PLAN, name: `Enterprise (${key})` });
}

const otherPlan = (tenant: TenantDetail) => (tenant.plan === 'starter' ? 'professional' : 'starter');

const FIXTURES: Fixtures = {
  'settings:update': {
    input: async (_w, role) => ({ cancellationRetentionDays: 30 + OPERATOR_ROLES.indexOf(role) }),
    check: async (w, role, value) => {
      expect(value.cancellationRetentionDays).toBe(30 + OPERATOR_ROLES.indexOf(role));
      expect((await w.owner('settings:get', {})).cancellationRetentionDays).toBe(30 + OPERATOR_ROLES.indexOf(role));
    },
  },
  'tenants:create': {
    input: async () => uniqueTenantInput('starter', 'Matrix Created'),
    check: async (w, _role, value) => {
      expect(value.tenant.status).toBe('active');
      expect(await canLogin(w, value.tenant)).toBe(true);
    },
  },
  'tenants:suspend': {
    input: async (w, role, allowed) => {
      const tenant = await w.fresh(keyFor('suspend', role, allowed));
      return { ref: tenant.tenantCode, reason: 'Matrix test', expectedVersion: tenant.version, backupFirst: false };
    },
    check: async (w, _role, value) => {
      expect(value.status).toBe('suspended');
      // PostgreSQL itself enforces it: the tenant's role may no longer log in.
      expect(await canLogin(w, value)).toBe(false);
    },
  },
  'tenants:activate': {
    input: async (w, role, allowed) => {
      let tenant = await w.fresh(keyFor('activate', role, allowed));
      if (allowed && tenant.status === 'active') {
        tenant = await w.owner('tenants:suspend', { ref: tenant.tenantCode, reason: 'Matrix test', expectedVersion: tenant.version, backupFirst: false });
      }
      return { ref: tenant.tenantCode, expectedVersion: tenant.version };
    },
    check: async (w, _role, value) => {
      expect(value.status).toBe('active');
      expect(await canLogin(w, value)).toBe(true);
    },
  },
  'tenants:cancel': {
    input: async (w, role, allowed) => {
      const tenant = await w.fresh(keyFor('cancel', role, allowed));
      return { ref: tenant.tenantCode, reason: 'Matrix test', expectedVersion: tenant.version, backupFirst: false };
    },
    check: async (w, _role, value) => {
      expect(value.status).toBe('cancelled');
      expect(await canLogin(w, value)).toBe(false);
    },
  },
  'tenants:reconcile': { input: async () => ({}) },
  'plans:update': {
    input: async (_w, role) => ({ code: 'enterprise', supportLevel: `matrix ${role}` }),
    check: async (_w, role, value) => {
      expect(value.supportLevel).toBe(`matrix ${role}`);
    },
  },
  'plans:moveTenants': {
    input: async (w, role, allowed) => {
      const tenant = await w.tenant(keyFor('move', role, allowed), MOVE_PLAN);
      // A newer version of its plan to move to.
      if (allowed) await w.owner('plans:update', { code: MOVE_PLAN, supportLevel: `move for ${role}` });
      return { code: MOVE_PLAN, tenants: [tenant.tenantCode], force: true, reason: 'Matrix test' };
    },
    check: async (w, role, value) => {
      const tenant = await w.fresh(`move-${role}`);
      expect(value).toMatchObject({ moved: [{ tenantCode: tenant.tenantCode }], refused: [], failed: [] });
      const newest = Math.max(...(await w.owner('plans:versions', { code: MOVE_PLAN })).map((version) => version.version));
      expect(tenant.planVersion).toBe(newest);
    },
  },
  'priceChanges:schedule': {
    input: async (w, role, allowed) => {
      if (allowed) await scheduledPriceChangeScene(w, `price-change-${role}`);
      return { code: PRICE_CHANGE_PLAN, at: daysFromNow(30), noticeDays: 7, reason: 'Matrix test' };
    },
    check: async (w, role, value) => {
      const tenant = await w.fresh(`price-change-${role}`);
      expect(value).toMatchObject({ planCode: PRICE_CHANGE_PLAN, state: 'scheduled', noticeDays: 7 });
      expect(value.tenants.map((t) => t.tenantCode)).toContain(tenant.tenantCode);
      await w.owner('priceChanges:cancel', { id: value.id });
    },
  },
  'priceChanges:cancel': {
    input: async (w, role, allowed) => {
      if (!allowed) return { id: '00000000-0000-4000-8000-000000000000' };
      await scheduledPriceChangeScene(w, `price-cancel-${role}`);
      const open = (await w.owner('priceChanges:list', { state: 'scheduled' })).find((s) => s.planCode === PRICE_CHANGE_PLAN);
      const schedule = open ?? (await w.owner('priceChanges:schedule', { code: PRICE_CHANGE_PLAN, at: daysFromNow(30), noticeDays: 7 }));
      return { id: schedule.id };
    },
    check: async (_w, _role, value) => {
      expect(value.state).toBe('canceled');
    },
  },
  'tenants:changePlan': {
    input: async (w, role, allowed) => {
      const tenant = await w.fresh(keyFor('change-plan', role, allowed));
      return { ref: tenant.tenantCode, plan: otherPlan(tenant), expectedVersion: tenant.version, force: true, reason: 'Matrix test' };
    },
    check: async (w, role, value) => {
      expect(value.plan).toBe((await w.fresh(`change-plan-${role}`)).plan);
      expect(value.version).toBeGreaterThan(1);
    },
  },
  'tenants:setOverride': {
    input: async (w, role, allowed) => ({ ref: (await w.tenant(keyFor('override', role, allowed))).tenantCode, resource: 'users', kind: 'limit', value: 50, reason: 'Matrix test' }),
  },
  'tenants:revokeOverride': {
    input: async (w, role, allowed) => {
      const tenant = await w.tenant(keyFor('revoke', role, allowed));
      const override = await w.owner('tenants:setOverride', { ref: tenant.tenantCode, resource: 'companies', kind: 'limit', value: 9, reason: 'Matrix test' });
      return { ref: tenant.tenantCode, id: override.id };
    },
  },
  'fleet:migrate': { input: async () => ({}) },
  'usage:collect': {
    input: async () => ({}),
    check: async (_w, _role, value) => {
      expect(value.failed).toBe(0);
    },
  },
  'backups:create': {
    input: async (w, role, allowed) => ({ ref: (await w.tenant(keyFor('backup', role, allowed))).tenantCode }),
    check: async (_w, _role, value) => {
      expect(value.verifiedAt).not.toBeNull();
    },
  },
  'backups:restore': {
    input: async (w, role) => {
      const tenant = await w.tenant('restore-source');
      const backup = await w.owner('backups:create', { ref: tenant.tenantCode });
      return { backupId: backup.id, mode: 'as-new', subdomain: uniqueTenantInput().subdomain, companyName: `Restored by ${role}` };
    },
  },
  'backups:export': {
    input: async (w, role, allowed) => ({ ref: (await w.tenant(keyFor('export', role, allowed))).tenantCode, file: join(w.files, `export-${role}.zip`) }),
  },
  'backups:prune': {
    // Keep one backup per tenant: the older of this tenant's two goes, file and row.
    input: async (w, role, allowed) => {
      if (allowed) {
        const tenant = await w.tenant(`prune-${role}`);
        await w.owner('backups:create', { ref: tenant.tenantCode });
        await w.owner('backups:create', { ref: tenant.tenantCode });
        await w.owner('backups:updateSettings', { keepLast: 1 });
      }
      return {};
    },
    check: async (w, role, value) => {
      const tenant = await w.tenant(`prune-${role}`);
      const removed = value.removed.filter((backup) => backup.tenantCode === tenant.tenantCode);
      expect(removed).toHaveLength(1);
      expect(existsSync(removed[0]!.location)).toBe(false);
      const { rows } = await w.admin.query<{ n: number }>('SELECT count(*)::int AS n FROM backups WHERE tenant_id = $1', [tenant.id]);
      expect(rows[0]!.n).toBe(1);
      await w.owner('backups:updateSettings', { keepLast: 10 });
    },
  },
  'backups:updateSettings': {
    input: async (_w, role) => ({ keepLast: 10 + OPERATOR_ROLES.indexOf(role) }),
    check: async (_w, role, value) => {
      expect(value.keepLast).toBe(10 + OPERATOR_ROLES.indexOf(role));
    },
  },
  'tenants:delete': {
    input: async (w, role, allowed) => {
      const tenant = await w.tenant(keyFor('delete', role, allowed));
      return { ref: tenant.tenantCode, confirmCode: tenant.tenantCode };
    },
    check: async (w, role) => {
      expect((await w.fresh(`delete-${role}`)).status).toBe('deleted');
    },
  },
  'tenants:runScheduledDeletions': { input: async () => ({}) },
  'snapshot:import': {
    input: async (w) => ({ content: (await w.owner('snapshot:export', {})).content, fileName: 'matrix.json' }),
  },
  'snapshot:closeReview': { input: async () => ({}) },
  'billing:updateSettings': {
    input: async (_w, role) => ({ invoiceDueDays: 10 + OPERATOR_ROLES.indexOf(role) }),
    check: async (w, role, value) => {
      expect(value.invoiceDueDays).toBe(10 + OPERATOR_ROLES.indexOf(role));
      expect((await w.owner('billing:settings', {})).invoiceDueDays).toBe(10 + OPERATOR_ROLES.indexOf(role));
    },
  },
  'billing:testEmail': {
    input: async (_w, role) => ({ to: `matrix-${role}@example.com` }),
    check: async (w, role) => {
      expect(w.smtp!.messages.some((message) => message.to.includes(`matrix-${role}@example.com`))).toBe(true);
    },
  },
  'billing:changePlan': {
    input: async (w, role, allowed) => {
      const tenant = await w.fresh(keyFor('billing-plan', role, allowed));
      return { ref: tenant.tenantCode, plan: otherPlan(tenant), expectedVersion: tenant.version, force: true, reason: 'Matrix test' };
    },
    check: async (w, role, value) => {
      expect(value.tenantVersion).toBe((await w.fresh(`billing-plan-${role}`)).version);
      expect((await w.fresh(`billing-plan-${role}`)).plan).toBe('professional');
    },
  },
  'billing:cancelSubscription': {
    input: async (w, role, allowed) => ({ ref: (await w.tenant(keyFor('billing-cancel', role, allowed))).tenantCode, when: 'period_end', reason: 'Matrix test' }),
    check: async (_w, _role, value) => {
      expect(value.cancelAtPeriodEnd).toBe(true);
    },
  },
  'billing:resumeSubscription': {
    input: async (w, role, allowed) => {
      const tenant = await w.tenant(keyFor('billing-resume', role, allowed));
      if (allowed) await w.owner('billing:cancelSubscription', { ref: tenant.tenantCode, when: 'period_end', reason: 'Matrix test' });
      return { ref: tenant.tenantCode };
    },
    check: async (_w, _role, value) => {
      expect(value.cancelAtPeriodEnd).toBe(false);
    },
  },
  'billing:setPaymentMethod': {
    input: async (w, role, allowed) => ({ ref: (await w.tenant(keyFor('billing-card', role, allowed))).tenantCode, present: true, label: `Card of ${role}` }),
    check: async (_w, _role, value) => {
      expect(value.paymentMethodPresent).toBe(true);
    },
  },
  'billing:setConversionPlan': {
    // A trial's conversion plan: the trial plan made in beforeAll.
    input: async (w, role, allowed) => ({ ref: (await w.tenant(keyFor('billing-conversion', role, allowed), TRIAL_PLAN)).tenantCode, plan: 'starter' }),
    check: async (_w, _role, value) => {
      expect(value.conversionPlanCode).toBe('starter');
    },
  },
  'billing:runJobs': {
    // A trial whose grace period ended: the lifecycle suspends it, with a backup first —
    // support's kind of work, done by billing's job run.
    input: async (w, role, allowed) => {
      if (allowed) {
        const tenant = await w.tenant(`grace-over-${role}`, TRIAL_PLAN);
        await w.admin.query(
          `UPDATE tenant_billing SET state = 'trialing', grace_reason = 'trial_ended', grace_started_at = now() - interval '8 days', grace_ends_at = now() - interval '1 hour'
            WHERE tenant_id = $1`,
          [tenant.id],
        );
      }
      return {};
    },
    check: async (w, role, value) => {
      const tenant = await w.fresh(`grace-over-${role}`);
      expect(value.errors, JSON.stringify(value.errors)).toEqual([]);
      expect(tenant.status).toBe('suspended');
      expect(await canLogin(w, tenant)).toBe(false);
      const { rows } = await w.admin.query<{ n: number }>("SELECT count(*)::int AS n FROM backups WHERE tenant_id = $1 AND kind = 'pre-suspension'", [tenant.id]);
      expect(rows[0]!.n).toBe(1);
    },
  },
  'billing:syncStripe': {
    input: async () => ({}),
    notHere: { code: 'INVALID_STATE', why: 'the platform bills manually: no Stripe account to poll (proved against the fake Stripe below)' },
  },
  'billing:linkStripePrice': {
    input: async () => ({ code: 'starter', version: 1, priceId: 'price_matrix' }),
    notHere: { code: 'INVALID_STATE', why: 'the platform bills manually: no Stripe account to read the price from (proved against the fake Stripe below)' },
  },
  'invoices:create': {
    input: async (w, role, allowed) => ({ ref: (await w.tenant(keyFor('invoice', role, allowed))).tenantCode, lines: [{ description: `Setup by ${role}`, quantity: 2, unitCents: 5_000 }] }),
    check: async (_w, _role, value) => {
      expect(value.state).toBe('draft');
      expect(value.subtotalCents).toBe(10_000);
    },
  },
  'invoices:finalize': {
    input: async (w, role, allowed) => {
      const draft = await w.owner('invoices:create', { ref: (await w.tenant(keyFor('invoice', role, allowed))).tenantCode, lines: [{ description: 'Setup', quantity: 1, unitCents: 5_000 }] });
      return { id: draft.id };
    },
    check: async (_w, _role, value) => {
      expect(value.state).toBe('open');
      expect(value.number).toMatch(/-\d{6}$/);
    },
  },
  'invoices:void': {
    input: async (w, role, allowed) => ({ id: (await openInvoice(w, keyFor('invoice', role, allowed))).id, reason: 'Matrix test' }),
    check: async (_w, _role, value) => {
      expect(value.state).toBe('void');
    },
  },
  'invoices:recordPayment': {
    input: async (w, role, allowed) => {
      const invoice = await openInvoice(w, keyFor('invoice', role, allowed));
      return { id: invoice.id, amountCents: invoice.totalCents, method: 'bank transfer', reference: `matrix ${role}` };
    },
    check: async (w, _role, value) => {
      expect(value.state).toBe('paid');
      expect(value.amountPaidCents).toBe(value.totalCents);
      const { rows } = await w.admin.query<{ n: number }>('SELECT count(*)::int AS n FROM invoice_payments WHERE invoice_id = $1', [value.id]);
      expect(rows[0]!.n).toBe(1);
    },
  },
  'operators:add': {
    input: async (_w, role) => ({ name: `matrix_added_by_${role}`, role: 'viewer' }),
    check: async (_w, _role, value) => {
      expect(value.password.length).toBeGreaterThan(10);
    },
  },
  'operators:setRole': {
    input: async (w, role) => ({ name: await ownersOperator(w, `matrix_role_${role}`), role: 'support' }),
    check: async (_w, _role, value) => {
      expect(value.role).toBe('support');
    },
  },
  'operators:disable': {
    input: async (w, role) => ({ name: await ownersOperator(w, `matrix_disable_${role}`) }),
    check: async (_w, _role, value) => {
      expect(value.disabled).toBe(true);
    },
  },
  'operators:enable': {
    input: async (w, role) => {
      const name = await ownersOperator(w, `matrix_enable_${role}`);
      await w.owner('operators:disable', { name });
      return { name };
    },
    check: async (_w, _role, value) => {
      expect(value.disabled).toBe(false);
    },
  },
  'operators:resetPassword': {
    input: async (w, role) => ({ name: await ownersOperator(w, `matrix_reset_${role}`) }),
    check: async (_w, _role, value) => {
      expect(value.mustChangePassword).toBe(true);
    },
  },
  'tenants:rotateCredentials': {
    input: async (w, role, allowed) => ({ ref: (await w.tenant(keyFor('rotate', role, allowed))).tenantCode }),
    check: async (w, _role, value) => {
      expect(value.credentials.password.length).toBeGreaterThan(20);
      // The server check's fingerprint follows the new password (the console's own connection wrote it).
      const { rows } = await w.admin.query<{ same: boolean }>(
        `SELECT f.password_sha256 = encode(sha256(convert_to(a.rolpassword, 'UTF8')), 'hex') AS same
           FROM tenant_role_fingerprints f JOIN tenants t ON t.id = f.tenant_id JOIN pg_authid a ON a.rolname = t.db_role WHERE t.tenant_code = $1`,
        [value.tenantCode],
      );
      expect(rows[0]?.same).toBe(true);
    },
  },
  'apiKeys:create': {
    input: async (_w, role) => ({ name: `matrix-key-${role}`, scopes: ['tenants:read', 'limits:read'] }),
    check: async (w, role, value) => {
      expect(value.key).toMatch(/^tck_[A-Za-z0-9_-]{43}$/);
      const { rows } = await w.admin.query<{ scopes: string[] }>('SELECT scopes FROM api_keys WHERE name = $1', [`matrix-key-${role}`]);
      expect(rows[0]?.scopes).toEqual(['limits:read', 'tenants:read']);
    },
  },
  'apiKeys:revoke': {
    input: async (w, role) => {
      const name = `matrix-revoke-${role}`;
      if (!(await w.owner('apiKeys:list', {})).some((key) => key.name === name)) await w.owner('apiKeys:create', { name, scopes: ['tenants:read'] });
      return { name };
    },
    check: async (_w, _role, value) => {
      expect(value.revokedAt).not.toBeNull();
    },
  },
  'api:start': {
    input: async () => ({ listen: '127.0.0.1:0' }),
    check: async (w, _role, value) => {
      expect(value.running).toBe(true);
      const answer = await fetch(`${value.url}/api/tenants`);
      expect(answer.status).toBe(401);
      await w.owner('api:stop', {});
    },
  },
  'api:stop': {
    input: async () => ({}),
    check: async (_w, _role, value) => {
      expect(value.running).toBe(false);
    },
  },
};

/** The last event of the console's local audit log. */
function lastLocalEvent(core: ConsoleCore) {
  return core.cache!.db.prepare<unknown[], { action: string; outcome: string; operator: string; details: string }>(
    'SELECT action, outcome, operator, details FROM audit_events ORDER BY seq DESC LIMIT 1',
  ).get();
}

/** One row of the matrix: the channel called by an operator of every role, each cell checked. */
async function runRow(world: World, logLines: string[], channel: ChannelName, fixture: Fixture<ChannelName>): Promise<void> {
  for (const role of OPERATOR_ROLES) {
    const operator = world.operators[role];
    const allowed = mayCall(role, channel);
    const input = await fixture.input(world, role, allowed);
    const cell = `${channel} as ${role}`;
    if (!allowed) {
      const before = await platformFingerprint(world.admin);
      const result = await callAs(world.core, operator, channel, input);
      expect(result, cell).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: permissionDeniedMessage(role, channel) } });
      expect(await platformFingerprint(world.admin), `${cell}: nothing may change`).toEqual(before);
      const event = lastLocalEvent(world.core);
      expect(event, cell).toMatchObject({ action: channel, outcome: 'FORBIDDEN', operator: operator.name });
      expect(JSON.parse(event!.details), cell).toMatchObject({ operatorRole: role });
      continue;
    }
    const logsBefore = logLines.length;
    const result = await callAs(world.core, operator, channel, input);
    const logged = logLines.slice(logsBefore).join('\n');
    expect(logged, `${cell}: the console's log`).not.toMatch(PG_PERMISSION_ERROR);
    if (!result.ok) {
      expect(result.error.message, cell).not.toMatch(PG_PERMISSION_ERROR);
      expect(result.error.code, `${cell}: ${result.error.message}\n${logged}`).toBe(fixture.notHere?.code ?? 'ok');
      continue;
    }
    expect(fixture.notHere, `${cell} succeeded although the fixture says it cannot here`).toBeUndefined();
    // A report that carries its failures inside (a job run's errors) must not hide one either.
    expect(JSON.stringify(result.value), `${cell}: its result`).not.toMatch(PG_PERMISSION_ERROR);
    const event = lastLocalEvent(world.core);
    expect(event, cell).toMatchObject({ action: channel, outcome: 'ok', operator: operator.name });
    await fixture.check?.(world, role, result.value as never);
  }
}

const cases = await serverCases('operator role matrix');

describe.each(cases)('role matrix: every mutating channel × every role — $name', (serverCase) => {
  const platformDatabase = uniquePlatformDatabase('matrix');
  let url = '';
  let world: World;
  let logLines: string[];
  const tenants = new Map<string, TenantDetail>();

  beforeAll(async () => {
    if (serverCase.skip) return;
    url = serverCase.target().url;
    const opened = await openCapturingCore(url, platformDatabase);
    logLines = opened.logLines;
    const core = opened.core;
    const smtp = await startSmtpCapture();
    // Trials exist only on a plan with trial days (for billing:setConversionPlan).
    await call(core, 'plans:update', { code: TRIAL_PLAN, trialDays: 14 });
    await call(core, 'billing:updateSettings', { smtp: { host: '127.0.0.1', port: smtp.port, secure: false, username: null, from: 'Matrix Billing <billing@matrix.test>' } });
    world = {
      core,
      admin: await ownerClient(url, platformDatabase),
      files: await mkdtemp(join(tmpdir(), 'tc-matrix-')),
      smtp,
      operators: await signedInOperators(core, 'mx'),
      owner: (channel, input) => call(core, channel, input),
      async tenant(key, plan = 'starter') {
        let tenant = tenants.get(key);
        if (!tenant) {
          tenant = (await call(core, 'tenants:create', uniqueTenantInput(plan, `Matrix ${key}`))).tenant;
          tenants.set(key, tenant);
        }
        return tenant;
      },
      async fresh(key) {
        return call(core, 'tenants:get', { ref: (await world.tenant(key)).tenantCode });
      },
    };
  }, 120_000);

  afterAll(async () => {
    if (serverCase.skip) return;
    await world?.admin.end();
    await world?.smtp?.close();
    await world?.core.close();
    if (world) await rm(world.files, { recursive: true, force: true });
    await dropTestPlatform(url, platformDatabase);
  });

  it.skipIf(serverCase.skip)('has a fixture for every mutating channel, and no stale one', () => {
    const missing = MATRIX_CHANNELS.filter((channel) => !(channel in FIXTURES));
    expect(missing, 'mutating channels without a role-matrix fixture').toEqual([]);
    expect(Object.keys(FIXTURES).filter((channel) => !MATRIX_CHANNELS.includes(channel as ChannelName))).toEqual([]);
    expect(MATRIX_CHANNELS.length).toBeGreaterThan(30);
  });

  it.skipIf(serverCase.skip).each(MATRIX_CHANNELS)('%s', async (channel) => {
    const fixture = FIXTURES[channel as MutatingChannel] as Fixture<ChannelName> | undefined;
    if (!fixture) throw new Error(`${channel} has no fixture in the role matrix: add one (and a role decision in operator-roles.ts).`);
    await runRow(world, logLines, channel, fixture);
  }, 120_000);
});

/**
 * The Stripe-only channels, which the manual-billing platform above cannot carry out, against
 * the tests' fake Stripe API: billing and admin really poll events and link a price (writing
 * Stripe's tables on their own connections), viewer and support are refused as above.
 */
describe.each(cases)('role matrix: the Stripe channels against the fake Stripe — $name', (serverCase) => {
  const STRIPE_CHANNELS = ['billing:syncStripe', 'billing:linkStripePrice'] as const satisfies readonly MutatingChannel[];
  let bed: StripeTestBed;
  let world: World;
  let logLines: string[];
  let customerId = '';

  const stripeFixtures: { readonly [C in (typeof STRIPE_CHANNELS)[number]]: Fixture<C> } = {
    'billing:syncStripe': {
      input: async (_w, role, allowed) => {
        // Something new in Stripe for the poll to see: the customer renamed there.
        if (allowed) await bed.stripe.customers.update(customerId, { name: `Renamed for ${role}` });
        return {};
      },
      check: async (w, _role, value) => {
        expect(value.eventsSeen).toBeGreaterThanOrEqual(1);
        const { rows } = await w.admin.query<{ synced: Date | null; error: string | null }>('SELECT last_synced_at AS synced, last_error AS error FROM stripe_sync_state');
        expect(rows[0]).toMatchObject({ synced: expect.any(Date), error: null });
      },
    },
    'billing:linkStripePrice': {
      input: async (_w, role) => {
        const product = await bed.stripe.products.create({ name: `Starter by hand (${role})` });
        const price = await bed.stripe.prices.create({ product: product.id, unit_amount: 4900, currency: 'usd', recurring: { interval: 'month' } });
        return { code: 'starter', version: 1, priceId: price.id };
      },
      check: async (w, _role, value) => {
        expect(value).toMatchObject({ planCode: 'starter', linked: true });
        const { rows } = await w.admin.query<{ id: string }>("SELECT stripe_price_id AS id FROM stripe_prices WHERE plan_code = 'starter' AND plan_version = 1");
        expect(rows.map((row) => row.id)).toContain(value.stripePriceId);
      },
    },
  };

  beforeAll(async () => {
    if (serverCase.skip) return;
    const captured = capturingLogger();
    logLines = captured.lines;
    bed = await openStripeTestBed(serverCase.target().url, 'matrixstripe', { logger: captured.logger });
    const core = bed.core;
    await call(core, 'billing:updateSettings', { mode: 'stripe', stripeSecretKey: bed.key, stripeWebhookSecret: bed.webhookSecret });
    const { tenant } = await call(core, 'tenants:create', uniqueTenantInput('starter', 'Matrix Stripe'));
    const admin = await ownerClient(bed.url, core.platform.platformDatabase);
    const { rows } = await admin.query<{ id: string }>('SELECT stripe_customer_id AS id FROM tenant_billing WHERE tenant_id = $1', [tenant.id]);
    customerId = rows[0]!.id;
    world = {
      core,
      admin,
      files: bed.dataDir,
      operators: await signedInOperators(core, 'ms'),
      owner: (channel, input) => call(core, channel, input),
      tenant: async () => tenant,
      fresh: async () => call(core, 'tenants:get', { ref: tenant.tenantCode }),
    };
  }, 120_000);

  afterAll(async () => {
    if (serverCase.skip) return;
    await world?.admin.end();
    await bed?.close();
  });

  it.skipIf(serverCase.skip).each(STRIPE_CHANNELS)('%s', async (channel) => {
    await runRow(world, logLines, channel, stripeFixtures[channel] as Fixture<ChannelName>);
  }, 60_000);
});
