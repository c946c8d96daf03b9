import pLimit from 'p-limit';
import type { TenantDetail } from '../../src-shared/contract/models';
import type { MoveTenantsResult, PlanChangePreview } from '../../src-shared/contract/plan-models';
import { AppError } from '../base/app-error';
import { withClient } from '../postgres/pools';
import type { PlatformContext } from '../platform/platform-context';
import { effectiveLimitsOf } from '../limits/effective-limits';
import { limitsSpecFor } from '../limits/limits-spec';
import { pushLimits } from '../limits/push-limits';
import type { Reconciler } from '../operations/reconcile';
import { runJournaled, type JournaledOperation } from '../operations/run-journaled';
import { getTenant, getTenantRow } from '../tenants/tenant-queries';
import type { TenantRow } from '../tenants/tenant-rows';
import { commitPlanChange } from '../tenants/tenant-writes';
import { planViolations, readTenantUsage } from './tenant-usage';
import { staleVersionError } from '../tenants/stale-version';

export interface PlanRef {
  readonly code: string;
  readonly version: number;
}

export interface PlanChangeRequest {
  readonly ref: string;
  readonly plan: string;
  readonly version?: number | undefined;
  readonly force: boolean;
  readonly expectedVersion: number;
  readonly reason?: string | undefined;
}

export interface PlanChangePayload extends Record<string, unknown> {
  serverId: string;
  database: string;
  from: PlanRef;
  to: PlanRef;
  forced: boolean;
  reason: string | null;
}

/** A downgrade below current usage, not forced: refused with the exact numbers. */
export class PlanChangeRefused extends AppError {
  constructor(message: string) {
    super('INVALID_STATE', message);
  }
}

/** The plan version to move to: the given one, or the plan's current version. */
export async function resolvePlan(ctx: PlatformContext, code: string, version?: number): Promise<PlanRef & { trialDays: number | null }> {
  const { rows } = await ctx.pool.query<{ code: string; version: number; trial_days: number | null }>(
    `SELECT code, version, trial_days FROM plans WHERE code = $1 AND ${version === undefined ? 'is_current' : 'version = $2'}`,
    version === undefined ? [code] : [code, version],
  );
  if (!rows[0]) throw new AppError('NOT_FOUND', version === undefined ? `Unknown plan "${code}".` : `Plan ${code} has no version ${version}.`);
  return { code: rows[0].code, version: rows[0].version, trialDays: rows[0].trial_days };
}

const tenantEndpoint = (ctx: PlatformContext, row: Pick<TenantRow, 'server_id'>) => ctx.serverById(row.server_id).endpoint;

/** Would moving this tenant to `target` put it over the new limits? Read from its database. */
export async function previewPlanChange(ctx: PlatformContext, row: TenantRow, target: PlanRef): Promise<PlanChangePreview> {
  const base = {
    tenantCode: row.tenant_code,
    companyName: row.company_name,
    from: { code: row.plan_code, version: row.plan_version },
    to: { code: target.code, version: target.version },
  };
  try {
    const limits = await effectiveLimitsOf(ctx.pool, row.id, target);
    const usage = await withClient(tenantEndpoint(ctx, row), row.database_name, readTenantUsage, { waitForClose: false });
    return { ...base, violations: planViolations(usage, limits), problem: null };
  } catch (error) {
    if (error instanceof AppError) throw error;
    return { ...base, violations: [], problem: `Could not read ${row.tenant_code}'s database: ${(error as Error).message}` };
  }
}

/**
 * Upgrade or downgrade, journaled: (1) preview and refuse a downgrade below current usage
 * unless forced, record the operation; (2) push the new limits into the tenant database;
 * (3) commit the registry (plan, version, history). A crash after (1) is rolled forward by
 * reconcile (pushing is idempotent); a failure reverts the tenant database to the old limits.
 */
export async function changeTenantPlan(ctx: PlatformContext, request: PlanChangeRequest): Promise<TenantDetail> {
  const row = await getTenantRow(ctx.pool, request.ref);
  checkChangeable(row, request.expectedVersion);
  const target = await resolvePlan(ctx, request.plan, request.version);
  if (row.plan_code === target.code && row.plan_version === target.version) {
    throw new AppError('INVALID_STATE', `${row.tenant_code} is already on ${target.code} v${target.version}.`);
  }
  const preview = await previewPlanChange(ctx, row, target);
  if (preview.problem) throw new AppError('DATABASE_UNAVAILABLE', preview.problem);
  if (preview.violations.length > 0 && !request.force) {
    throw new PlanChangeRefused(
      `Refused: ${row.tenant_code} is over the limits of ${target.code} v${target.version} — ${preview.violations.map((v) => v.message).join('; ')}. ` +
        'Force the change to apply it anyway: existing data stays, new inserts are refused.',
    );
  }

  return runJournaled(
    ctx,
    {
      check: async (tx) => {
        const locked = await getTenantRow(tx, request.ref, true);
        checkChangeable(locked, request.expectedVersion);
        const payload: PlanChangePayload = {
          serverId: locked.server_id,
          database: locked.database_name,
          from: { code: locked.plan_code, version: locked.plan_version },
          to: { code: target.code, version: target.version },
          forced: preview.violations.length > 0,
          reason: request.reason ?? null,
        };
        return { kind: 'plan_change', tenantId: locked.id, tenantCode: locked.tenant_code, step: 'registered', payload };
      },
      crashPoint: 'plan_registered',
      undo: (operation, failure) => revertPlanChange(ctx, operation, failure),
    },
    (operation) => completePlanChange(ctx, operation),
  );
}

function checkChangeable(row: TenantRow, expectedVersion: number): void {
  if (row.version !== expectedVersion) {
    throw staleVersionError(row.tenant_code, row.version, expectedVersion);
  }
  if (row.status === 'deleted' || row.status === 'provisioning') {
    throw new AppError('INVALID_STATE', `${row.tenant_code} is ${row.status}: its plan cannot change.`);
  }
}

/** Steps 2 and 3; also how reconcile rolls an interrupted plan change forward. */
export async function completePlanChange(ctx: PlatformContext, operation: JournaledOperation): Promise<TenantDetail> {
  const payload = operation.payload as PlanChangePayload;
  const server = ctx.serverById(payload.serverId);
  const spec = await limitsSpecFor(ctx.pool, operation.tenantId!, payload.to);
  await withClient(server.endpoint, payload.database, (client) => pushLimits(client, spec));
  await operation.step('limits_pushed');
  await operation.finishIn({ step: 'committed' }, async (client) => {
    if (await commitPlanChange(client, operation.tenantId!, payload.to)) {
      await client.query(
        `INSERT INTO tenant_plan_history (tenant_id, from_code, from_version, to_code, to_version, forced, reason, changed_by, operation_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [operation.tenantId, payload.from.code, payload.from.version, payload.to.code, payload.to.version, payload.forced, payload.reason, ctx.operator, operation.id],
      );
    }
  });
  const tenant = await getTenant(ctx.pool, operation.tenantCode);
  ctx.events.emit('tenant:changed', { tenantCode: tenant.tenantCode, status: tenant.status, version: tenant.version });
  return tenant;
}

/** A plan change that failed (not crashed): the tenant database goes back to the registry's limits. */
async function revertPlanChange(ctx: PlatformContext, operation: JournaledOperation, cause: Error): Promise<void> {
  const payload = operation.payload as PlanChangePayload;
  const spec = await limitsSpecFor(ctx.pool, operation.tenantId!, payload.from);
  await withClient(ctx.serverById(payload.serverId).endpoint, payload.database, (client) => pushLimits(client, spec));
  await operation.finish({ state: 'failed', error: cause.message });
}

/** Reconcile rolls an interrupted plan change forward: pushing the new limits again is idempotent. */
export const planChangeReconciler: Reconciler = {
  kinds: ['plan_change'],
  handle: async (ctx, operation) => {
    await completePlanChange(ctx, operation);
    return 'resumed';
  },
};

export interface MoveSelection {
  readonly code: string;
  readonly version?: number | undefined;
  /** Named tenants (any plan). */
  readonly tenants?: string[] | undefined;
  /** Only the tenants on this version of the plan. */
  readonly fromVersion?: number | undefined;
}

/** Tenants a bulk move concerns: the named ones, those on `fromVersion`, or every tenant on another version of the plan. */
async function moveCandidates(ctx: PlatformContext, target: PlanRef, selection: MoveSelection): Promise<TenantRow[]> {
  if (selection.tenants) return Promise.all(selection.tenants.map((ref) => getTenantRow(ctx.pool, ref)));
  const { rows } = await ctx.pool.query<{ tenant_code: string }>(
    `SELECT tenant_code FROM tenants
      WHERE plan_code = $1 AND plan_version <> $2 AND ($3::int IS NULL OR plan_version = $3) AND status NOT IN ('deleted', 'provisioning')
      ORDER BY tenant_code`,
    [target.code, target.version, selection.fromVersion ?? null],
  );
  return Promise.all(rows.map((row) => getTenantRow(ctx.pool, row.tenant_code)));
}

const MOVE_CONCURRENCY = 4;

export async function previewMove(ctx: PlatformContext, input: MoveSelection): Promise<PlanChangePreview[]> {
  const target = await resolvePlan(ctx, input.code, input.version);
  const rows = await moveCandidates(ctx, target, input);
  const limit = pLimit(MOVE_CONCURRENCY);
  return Promise.all(rows.map((row) => limit(() => previewPlanChange(ctx, row, target))));
}

export async function moveTenants(
  ctx: PlatformContext,
  input: MoveSelection & { force: boolean; reason?: string | undefined },
): Promise<MoveTenantsResult> {
  const target = await resolvePlan(ctx, input.code, input.version);
  const rows = await moveCandidates(ctx, target, input);
  const result: MoveTenantsResult = { moved: [], refused: [], failed: [] };
  const limit = pLimit(MOVE_CONCURRENCY);
  await Promise.all(
    rows.map((row) =>
      limit(async () => {
        try {
          const before = await previewPlanChange(ctx, row, target);
          await changeTenantPlan(ctx, { ref: row.tenant_code, plan: target.code, version: target.version, force: input.force, expectedVersion: row.version, reason: input.reason });
          result.moved.push({ tenantCode: row.tenant_code, forced: before.violations.length > 0 });
        } catch (error) {
          const entry = { tenantCode: row.tenant_code, message: (error as Error).message };
          if (error instanceof PlanChangeRefused) result.refused.push(entry);
          else result.failed.push(entry);
        }
      }),
    ),
  );
  return result;
}
