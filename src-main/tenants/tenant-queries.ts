import type pg from 'pg';
import type { ChannelParsedInput } from '../../src-shared/contract/channels';
import type { Plan, TenantDetail, TenantOperation, TenantSummary, TenantSortField } from '../../src-shared/contract/models';
import { TENANT_CODE_PATTERN } from '../../src-shared/domain/tenant-fields';
import { AppError } from '../base/app-error';
import { readSetting } from '../settings/settings-store';
import { TENANT_DETAIL_SELECT, toPlan, toTenantDetail, toTenantSummary, type PlanRow, type TenantRow, type TenantSummaryRow } from './tenant-rows';

type Queryable = Pick<pg.ClientBase, 'query'>;

// Sort keys map to fixed SQL: the caller's choice never reaches the statement as text.
const SORT_SQL: Readonly<Record<TenantSortField, string>> = {
  companyName: 'lower(company_name)',
  subdomain: 'subdomain',
  plan: 'plan_code',
  status: 'status',
  createdAt: 'created_at',
  tenantCode: 'tenant_code',
};

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

export async function listTenants(db: Queryable, query: ChannelParsedInput<'tenants:list'>): Promise<{ rows: TenantSummary[]; total: number }> {
  const where: string[] = ["status <> 'deleted'"];
  const params: unknown[] = [];
  if (query.search && query.search.length > 0) {
    params.push(likePattern(query.search));
    const p = `$${params.length}`;
    where.push(`(company_name ILIKE ${p} OR subdomain ILIKE ${p} OR tenant_code ILIKE ${p} OR admin_email ILIKE ${p})`);
  }
  if (query.status && query.status.length > 0) {
    params.push(query.status);
    where[0] = `status = ANY($${params.length}::text[])`;
  }
  if (query.plan && query.plan.length > 0) {
    params.push(query.plan);
    where.push(`plan_code = ANY($${params.length}::text[])`);
  }
  if (query.onboarding && query.onboarding.length > 0) {
    // The checklist's stage rule is the platform view's (migration 013), not repeated here.
    params.push(query.onboarding);
    where.push(`id IN (SELECT o.tenant_id FROM onboarding_progress o WHERE o.stage = ANY($${params.length}::text[]))`);
  }
  if (query.stalled !== undefined) {
    params.push(await readSetting(db, 'onboardingStalledDays'));
    const stalled = `id IN (SELECT o.tenant_id FROM onboarding_progress o WHERE o.trial_without_sign_in_since < now() - make_interval(days => $${params.length}::int))`;
    where.push(query.stalled ? stalled : `NOT ${stalled}`);
  }
  const direction = query.direction === 'asc' ? 'ASC' : 'DESC';
  params.push(query.limit, query.offset);
  const { rows } = await db.query<TenantSummaryRow & { total: number }>(
    `SELECT id, tenant_code, company_name, subdomain, plan_code, status, created_at, version,
            count(*) OVER () AS total
       FROM tenants
      WHERE ${where.join(' AND ')}
      ORDER BY ${SORT_SQL[query.sort]} ${direction}, id ${direction}
      LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  let total = rows[0]?.total ?? 0;
  if (rows.length === 0 && query.offset > 0) {
    // Past the last page: still tell the caller how many there are.
    const count = await db.query<{ total: number }>(`SELECT count(*) AS total FROM tenants WHERE ${where.join(' AND ')}`, params.slice(0, -2));
    total = count.rows[0]?.total ?? 0;
  }
  return { rows: rows.map(toTenantSummary), total };
}

/** Every tenant of the registry (deleted ones too), by code: what the offline snapshot keeps. */
export async function listAllTenantDetails(db: Queryable): Promise<TenantDetail[]> {
  const { rows } = await db.query<TenantRow>(`${TENANT_DETAIL_SELECT} ORDER BY t.tenant_code`);
  return rows.map(toTenantDetail);
}

/** A tenant by code (ACME001) or subdomain (acme), case-insensitively. */
export async function findTenantRow(db: Queryable, ref: string, forUpdate = false): Promise<TenantRow | null> {
  const byCode = TENANT_CODE_PATTERN.test(ref.toUpperCase());
  const { rows } = await db.query<TenantRow>(
    `${TENANT_DETAIL_SELECT}
      WHERE ${byCode ? 't.tenant_code = upper($1)' : 'lower(t.subdomain) = lower($1)'}
      ${forUpdate ? 'FOR UPDATE OF t' : ''}`,
    [ref],
  );
  return rows[0] ?? null;
}

export async function getTenantRow(db: Queryable, ref: string, forUpdate = false): Promise<TenantRow> {
  const row = await findTenantRow(db, ref, forUpdate);
  if (!row) throw new AppError('NOT_FOUND', `No tenant ${ref}.`);
  return row;
}

export async function getTenant(db: Queryable, ref: string): Promise<TenantDetail> {
  return toTenantDetail(await getTenantRow(db, ref));
}

export async function listCurrentPlans(db: Queryable): Promise<Plan[]> {
  const { rows } = await db.query<PlanRow>('SELECT * FROM plans WHERE is_current ORDER BY sort_order, code');
  return rows.map(toPlan);
}

export async function currentPlan(db: Queryable, code: string): Promise<Plan> {
  const { rows } = await db.query<PlanRow>('SELECT * FROM plans WHERE code = $1 AND is_current', [code]);
  if (!rows[0]) {
    const known = (await listCurrentPlans(db)).map((plan) => plan.code).join(', ');
    throw new AppError('VALIDATION', `Unknown plan "${code}". Known plans: ${known}.`);
  }
  return toPlan(rows[0]);
}

export async function isSubdomainTaken(db: Queryable, subdomain: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM tenants WHERE lower(subdomain) = lower($1)', [subdomain]);
  return (rowCount ?? 0) > 0;
}

interface OperationHistoryRow {
  id: string;
  kind: string;
  state: TenantOperation['state'];
  step: string;
  started_by: string;
  started_at: Date;
  finished_at: Date | null;
  error: string | null;
  reason: string | null;
}

/** The tenant's operations journal, newest first: the console's own record of what it did. */
export async function listTenantOperations(db: Queryable, ref: string, limit: number): Promise<TenantOperation[]> {
  const tenant = await getTenantRow(db, ref);
  const { rows } = await db.query<OperationHistoryRow>(
    `SELECT id, kind, state, step, started_by, started_at, finished_at, error, payload->>'reason' AS reason
       FROM operations WHERE tenant_code = $1 ORDER BY started_at DESC, lock_key DESC LIMIT $2`,
    [tenant.tenant_code, limit],
  );
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    state: row.state,
    step: row.step,
    startedBy: row.started_by,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
    error: row.error,
    reason: row.reason,
  }));
}
