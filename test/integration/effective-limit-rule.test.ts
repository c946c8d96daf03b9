import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMIT_RESOURCES, type LimitResource } from '../../src-shared/contract/plan-models';
import { effectiveLimitsOf } from '../../src-main/limits/effective-limits';
import { limitsSpecFor } from '../../src-main/limits/limits-spec';
import { pushLimits } from '../../src-main/limits/push-limits';
import { DEFAULT_LIMIT_WARNING_PERCENT } from '../../src-main/settings/setting-definitions';
import { tenantAdminClient } from '../support/backup-fixtures';
import { call, uniqueTenantInput } from '../support/core-calls';
import { embeddedTarget, useTestPlatform } from '../support/servers';

/**
 * The effective-limit rule lives once in the registry (effective_limits_by_plan, platform
 * migration 008) and once more inside every tenant database (platform.effective_limit, which
 * enforces without reaching the registry). This feeds random overrides to every caller — the
 * plan-change preview's effectiveLimitsOf, the effective_limits view behind the usage pages,
 * usage:tenant, and the tenant database's effective_limit and check_limit after a push — and
 * requires one answer, which is also the rule as written below.
 */

/** mulberry32: a small seeded PRNG, so a failure replays. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface RandomOverride {
  readonly resource: LimitResource;
  readonly kind: 'limit' | 'allowance';
  readonly value: number | null;
  /** Hours from now (negative: expired); null: never expires. */
  readonly expiresInHours: number | null;
  readonly revoked: boolean;
}

interface PlanVersion {
  readonly code: string;
  readonly version: number;
  readonly limits: Record<LimitResource, number | null>;
}

const SEED = 20261203;
const CASES = 150;

/**
 * Custom limits get distinct expiries (at most one that never expires per resource): through
 * the console only one custom limit per resource is ever unrevoked, so "which one wins" among
 * equal expiries is not part of the rule either copy promises.
 */
function randomOverrides(random: () => number): RandomOverride[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const usedExpiries = new Set<string>();
  const overrides: RandomOverride[] = [];
  const count = Math.floor(random() * 7);
  for (let i = 0; i < count; i++) {
    const resource = pick(LIMIT_RESOURCES);
    const kind = random() < 0.5 ? 'limit' : 'allowance';
    const value = kind === 'limit' && random() < 0.2 ? null : pick([0, 1, 2, 3, 5, 8, 13, 40, 250]);
    let expiresInHours: number | null = random() < 0.35 ? null : Math.round((random() * 2 - 0.6) * 72) || 1;
    if (kind === 'limit') {
      while (usedExpiries.has(`${resource}:${expiresInHours}`)) expiresInHours = (expiresInHours ?? 0) + 1;
      usedExpiries.add(`${resource}:${expiresInHours}`);
    }
    overrides.push({ resource, kind, value, expiresInHours, revoked: random() < 0.15 });
  }
  return overrides;
}

/** The rule as the issue states it, for the comparison to have a fixed point. */
function ruleOf(plan: PlanVersion, overrides: readonly RandomOverride[], resource: LimitResource): number | null {
  const active = overrides.filter((o) => o.resource === resource && !o.revoked && (o.expiresInHours === null || o.expiresInHours > 0));
  const custom = active.filter((o) => o.kind === 'limit').sort((a, b) => (a.expiresInHours ?? Infinity) - (b.expiresInHours ?? Infinity))[0];
  const base = custom ? custom.value : plan.limits[resource];
  return base === null ? null : base + active.filter((o) => o.kind === 'allowance').reduce((sum, o) => sum + o.value!, 0);
}

describe('one effective-limit rule', () => {
  const platform = useTestPlatform({ name: 'embedded PostgreSQL', target: embeddedTarget, skip: false }, 'limitrule');
  let pool: pg.Pool;
  let tenant: { id: string; code: string; database: string };
  let tenantDb: pg.Client;
  let plans: PlanVersion[];

  beforeAll(async () => {
    pool = platform.core.platform.pool;
    const created = await call(platform.core, 'tenants:create', uniqueTenantInput('starter', 'Limit Rule'));
    const { rows } = await pool.query<{ id: string }>('SELECT id FROM tenants WHERE tenant_code = $1', [created.tenant.tenantCode]);
    tenant = { id: rows[0]!.id, code: created.tenant.tenantCode, database: created.tenant.databaseName };
    // Older versions too: a what-if for a grandfathered version follows the same rule.
    await call(platform.core, 'plans:update', { code: 'professional', limits: { companies: 7, usersPerCompany: null } });
    const planRows = await pool.query<{ code: string; version: number; max_companies: number | null; max_users_per_company: number | null; max_transactions_per_month: number | null }>(
      'SELECT code, version, max_companies, max_users_per_company, max_transactions_per_month FROM plans ORDER BY code, version',
    );
    plans = planRows.rows.map((p) => ({
      code: p.code,
      version: p.version,
      limits: { companies: p.max_companies, users: p.max_users_per_company, transactions: p.max_transactions_per_month },
    }));
    tenantDb = await tenantAdminClient(platform.url, tenant.database);
  });

  afterAll(async () => {
    await tenantDb?.end();
  });

  it(`gives one answer from every caller for ${CASES} random sets of overrides (seed ${SEED})`, async () => {
    const random = prng(SEED);
    const seen = { custom: 0, unlimited: 0, expired: 0, revoked: 0 };
    for (let n = 0; n < CASES; n++) {
      const plan = plans[Math.floor(random() * plans.length)]!;
      const overrides = randomOverrides(random);
      await pool.query('DELETE FROM tenant_limit_overrides WHERE tenant_id = $1', [tenant.id]);
      for (const [i, o] of overrides.entries()) {
        await pool.query(
          `INSERT INTO tenant_limit_overrides (tenant_id, resource, kind, value, reason, expires_at, created_by, created_at, revoked_at, revoked_by)
           VALUES ($1, $2, $3, $4, 'rule test', CASE WHEN $5::int IS NULL THEN NULL ELSE now() + make_interval(hours => $5::int) END, 'test',
                   now() - make_interval(secs => $6::int), CASE WHEN $7 THEN now() END, CASE WHEN $7 THEN 'test' END)`,
          [tenant.id, o.resource, o.kind, o.value, o.expiresInHours, overrides.length - i, o.revoked],
        );
      }
      // The registry says the tenant is on `plan` (as after a plan change), and its database is told so.
      await pool.query('UPDATE tenants SET plan_code = $2, plan_version = $3 WHERE id = $1', [tenant.id, plan.code, plan.version]);
      await pushLimits(tenantDb, await limitsSpecFor(pool, tenant.id, plan));

      const expected = Object.fromEntries(LIMIT_RESOURCES.map((resource) => [resource, ruleOf(plan, overrides, resource)]));
      const context = `case ${n}: plan ${plan.code} v${plan.version}, overrides ${JSON.stringify(overrides)}`;

      expect(await effectiveLimitsOf(pool, tenant.id, plan), `effectiveLimitsOf — ${context}`).toEqual(expected);

      const view = await pool.query<{ companies: number | null; users_per_company: number | null; transactions_per_month: number | null }>(
        'SELECT companies, users_per_company, transactions_per_month FROM effective_limits WHERE tenant_id = $1',
        [tenant.id],
      );
      expect(view.rows, `effective_limits view — ${context}`).toEqual([
        { companies: expected.companies, users_per_company: expected.users, transactions_per_month: expected.transactions },
      ]);

      const usage = await call(platform.core, 'usage:tenant', { ref: tenant.code, days: 30 });
      expect(Object.fromEntries(usage.limits.map((l) => [l.resource, l.limit])), `usage:tenant — ${context}`).toEqual({
        companies: expected.companies,
        usersPerCompany: expected.users,
        transactionsPerMonth: expected.transactions,
      });

      const inTenant = await tenantDb.query<{ resource: LimitResource; effective: string | null; check: string | null }>(
        `SELECT r AS resource, (platform.effective_limit(r)).effective::text AS effective,
                (platform.check_limit(r, CASE WHEN r = 'users' THEN 1 END))."limit"::text AS check
           FROM unnest($1::text[]) AS r`,
        [LIMIT_RESOURCES],
      );
      const asNumber = (value: string | null) => (value === null ? null : Number(value));
      expect(Object.fromEntries(inTenant.rows.map((r) => [r.resource, asNumber(r.effective)])), `tenant effective_limit — ${context}`).toEqual(expected);
      expect(Object.fromEntries(inTenant.rows.map((r) => [r.resource, asNumber(r.check)])), `tenant check_limit — ${context}`).toEqual(expected);

      if (overrides.some((o) => o.kind === 'limit' && !o.revoked)) seen.custom++;
      if (Object.values(expected).includes(null)) seen.unlimited++;
      if (overrides.some((o) => o.expiresInHours !== null && o.expiresInHours <= 0)) seen.expired++;
      if (overrides.some((o) => o.revoked)) seen.revoked++;
    }
    // The random cases really cover each branch of the rule.
    expect(Object.values(seen).every((count) => count >= 10), JSON.stringify(seen)).toBe(true);
  });

  it('the tenant databases default to the same warning threshold as the settings', async () => {
    const { rows } = await tenantDb.query<{ column_default: string }>(
      "SELECT column_default FROM information_schema.columns WHERE table_schema = 'platform' AND table_name = 'limits' AND column_name = 'warning_percent'",
    );
    expect(Number(rows[0]?.column_default)).toBe(DEFAULT_LIMIT_WARNING_PERCENT);
  });
});
