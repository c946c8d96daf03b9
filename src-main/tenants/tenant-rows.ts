import type { Plan, TenantDetail, TenantSummary } from '../../src-shared/contract/models';
import type { TenantStatus } from '../../src-shared/domain/status';
import type { PricingModel } from '../../src-shared/domain/pricing';

/**
 * Columns every tenant query selects, joined with its plan version and server; `source`
 * is the tenants table or a CTE of the same shape (an UPDATE … RETURNING *, read back in
 * the statement that wrote it).
 */
export const tenantDetailSelect = (source = 'tenants'): string => /* sql */ `
  SELECT t.id, t.tenant_code, t.company_name, t.subdomain, t.admin_email, t.plan_code, t.plan_version,
         t.status, t.status_reason, t.status_changed_at, t.trial_ends_at, t.deletion_scheduled_at,
         t.server_id, t.database_name, t.db_role, t.version, t.created_at, t.updated_at,
         p.name AS plan_name, p.max_companies, p.max_users_per_company, p.max_transactions_per_month,
         s.name AS server_name, s.host AS server_host, s.port AS server_port
    FROM ${source} t
    JOIN plans p ON p.code = t.plan_code AND p.version = t.plan_version
    JOIN servers s ON s.id = t.server_id`;

export const TENANT_DETAIL_SELECT = tenantDetailSelect();

export interface TenantRow {
  id: string;
  tenant_code: string;
  company_name: string;
  subdomain: string;
  admin_email: string;
  plan_code: string;
  plan_version: number;
  status: TenantStatus;
  status_reason: string | null;
  status_changed_at: Date | null;
  trial_ends_at: Date | null;
  deletion_scheduled_at: Date | null;
  server_id: string;
  database_name: string;
  db_role: string;
  version: number;
  created_at: Date;
  updated_at: Date;
  plan_name: string;
  max_companies: number | null;
  max_users_per_company: number | null;
  max_transactions_per_month: number | null;
  server_name: string;
  server_host: string;
  server_port: number;
}

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

export function toTenantDetail(row: TenantRow): TenantDetail {
  return {
    ...toTenantSummary(row),
    adminEmail: row.admin_email,
    planVersion: row.plan_version,
    planName: row.plan_name,
    limits: {
      companies: row.max_companies,
      usersPerCompany: row.max_users_per_company,
      transactionsPerMonth: row.max_transactions_per_month,
    },
    statusReason: row.status_reason,
    trialEndsAt: iso(row.trial_ends_at),
    deletionScheduledAt: iso(row.deletion_scheduled_at),
    server: { id: row.server_id, name: row.server_name, host: row.server_host, port: row.server_port },
    databaseName: row.database_name,
    dbRole: row.db_role,
    updatedAt: row.updated_at.toISOString(),
    statusChangedAt: iso(row.status_changed_at),
  };
}

export interface TenantSummaryRow {
  id: string;
  tenant_code: string;
  company_name: string;
  subdomain: string;
  plan_code: string;
  status: TenantStatus;
  created_at: Date;
  version: number;
}

export function toTenantSummary(row: TenantSummaryRow): TenantSummary {
  return {
    id: row.id,
    tenantCode: row.tenant_code,
    companyName: row.company_name,
    subdomain: row.subdomain,
    plan: row.plan_code,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    version: row.version,
  };
}

export interface PlanRow {
  code: string;
  version: number;
  name: string;
  price_cents: number | null;
  currency: string;
  billing_interval: Plan['interval'];
  trial_days: number | null;
  max_companies: number | null;
  max_users_per_company: number | null;
  max_transactions_per_month: number | null;
  connection_limit: number;
  support_level: string;
  pricing_model: PricingModel;
  unit_price_cents: number | null;
  included_units: number;
  trial_card_required: boolean;
}

export function toPlan(row: PlanRow): Plan {
  return {
    code: row.code,
    version: row.version,
    name: row.name,
    priceCents: row.price_cents,
    currency: row.currency,
    interval: row.billing_interval,
    trialDays: row.trial_days,
    limits: {
      companies: row.max_companies,
      usersPerCompany: row.max_users_per_company,
      transactionsPerMonth: row.max_transactions_per_month,
    },
    connectionLimit: row.connection_limit,
    supportLevel: row.support_level,
    pricingModel: row.pricing_model,
    unitPriceCents: row.unit_price_cents,
    includedUnits: row.included_units,
    trialCardRequired: row.trial_card_required,
  };
}
