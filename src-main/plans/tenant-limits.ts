import type { LimitResource, LimitUsage, TenantLimits } from '../../src-shared/contract/plan-models';
import { LIMIT_RESOURCES } from '../../src-shared/contract/plan-models';
import { withClient } from '../postgres/pools';
import { DEFAULT_LIMIT_WARNING_PERCENT } from '../settings/setting-definitions';
import type { PlatformContext } from '../platform/platform-context';
import { getTenantRow } from '../tenants/tenant-queries';
import { listOverrides } from './overrides';
import { readTenantUsage } from './tenant-usage';

/** The limits in force and the usage against them, as the tenant database itself sees them. */
export async function tenantLimits(ctx: PlatformContext, ref: string): Promise<TenantLimits> {
  const row = await getTenantRow(ctx.pool, ref);
  const { usage, limits } = await withClient(
    ctx.serverById(row.server_id).endpoint,
    row.database_name,
    async (client) => {
      const usage = await readTenantUsage(client);
      const { rows } = await client.query<{ resource: LimitResource; effective: number | null; plan_limit: number | null; warning_percent: number }>(
        'SELECT l.resource, (platform.effective_limit(l.resource)).effective, l.plan_limit, l.warning_percent FROM platform.limits l',
      );
      return { usage, limits: new Map(rows.map((r) => [r.resource, r])) };
    },
    { waitForClose: false },
  );
  const warningPercent = limits.get('companies')?.warning_percent ?? DEFAULT_LIMIT_WARNING_PERCENT;
  const largest = usage.usersByCompany[0] ?? null;
  const currents: Record<LimitResource, number> = { companies: usage.companies, users: largest?.current ?? 0, transactions: usage.transactions };
  const resources: LimitUsage[] = LIMIT_RESOURCES.map((resource) => {
    const limit = limits.get(resource)?.effective ?? null;
    const current = currents[resource];
    return {
      resource,
      current,
      limit,
      planLimit: limits.get(resource)?.plan_limit ?? null,
      percent: limit === null ? null : limit === 0 ? 100 : Math.round((current * 1000) / limit) / 10,
      warning: limit !== null && current * 100 >= limit * warningPercent,
      blocked: limit !== null && current >= limit,
      company: resource === 'users' && largest ? { id: largest.companyId, name: largest.companyName } : null,
    };
  });
  return {
    tenantCode: row.tenant_code,
    plan: row.plan_code,
    planVersion: row.plan_version,
    warningPercent,
    period: usage.period,
    resources,
    usersByCompany: usage.usersByCompany.slice(0, 100).map((c) => ({ ...c })),
    overrides: await listOverrides(ctx.pool, row.id),
    schemaVersion: (await ctx.pool.query<{ schema_version: number | null }>('SELECT schema_version FROM tenants WHERE id = $1', [row.id])).rows[0]?.schema_version ?? null,
  };
}
