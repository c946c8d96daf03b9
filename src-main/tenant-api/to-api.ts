import type { z } from 'zod';
import type { apiTenantSchema, apiUsageSchema } from '../../src-shared/api/tenant-api-schemas';
import type { TenantDetail } from '../../src-shared/contract/models';
import type { TenantUsage } from '../../src-shared/contract/usage-models';

/** The console's camelCase models as the API's snake_case JSON. */

export function apiTenant(tenant: TenantDetail): z.input<typeof apiTenantSchema> {
  return {
    tenant_code: tenant.tenantCode,
    company_name: tenant.companyName,
    subdomain: tenant.subdomain,
    admin_email: tenant.adminEmail,
    plan: tenant.plan,
    plan_version: tenant.planVersion,
    status: tenant.status,
    status_reason: tenant.statusReason,
    limits: {
      companies: tenant.limits.companies,
      users_per_company: tenant.limits.usersPerCompany,
      transactions_per_month: tenant.limits.transactionsPerMonth,
    },
    trial_ends_at: tenant.trialEndsAt,
    deletion_scheduled_at: tenant.deletionScheduledAt,
    created_at: tenant.createdAt,
    updated_at: tenant.updatedAt,
    version: tenant.version,
  };
}

export function apiUsage(usage: TenantUsage): z.input<typeof apiUsageSchema> {
  return {
    tenant_code: usage.tenantCode,
    plan: usage.plan,
    limits: usage.limits.map((limit) => ({ resource: limit.resource, current: limit.current, limit: limit.limit, percent: limit.percent })),
    history: usage.history.map((day) => ({
      date: day.usageDate,
      companies: day.companies,
      users: day.usersTotal,
      transactions_month: day.transactionsMonth,
      database_bytes: day.databaseBytes,
    })),
  };
}
