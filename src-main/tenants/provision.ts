import type pg from 'pg';
import type { ChannelParsedInput } from '../../src-shared/contract/channels';
import type { TenantCredentials, TenantDetail } from '../../src-shared/contract/models';
import { firstFreeTenantCode } from '../../src-shared/domain/tenant-code';
import { AppError } from '../base/app-error';
import { NO_FLUSH_CONDITION, NO_FLUSH_STATEMENT } from '../postgres/commit-without-flush';
import { pgErrorCode } from '../postgres/errors';
import { quoteIdent, quoteLiteral } from '../postgres/identifiers';
import { withClient } from '../postgres/pools';
import { generateTenantPassword, scramSha256VerifierAsync } from '../postgres/scram';
import { passwordFingerprint } from '../postgres/password-fingerprint';
import type { PlatformContext } from '../platform/platform-context';
import { planTemplateSpec, type PlanTemplateSpec } from '../platform/plan-templates';
import { takeSpareStatements } from '../platform/spare-databases';
import type { SparePool } from '../platform/spare-pool';
import { grantGroupPrivileges, TENANT_GROUP_ROLE } from '../tenant-schema/privileges';
import { TENANT_SCHEMA_VERSION } from '../tenant-schema/template';
import { connectionLimitClause } from '../limits/connection-limit';
import { limitsSpecFor } from '../limits/limits-spec';
import { readSettings } from '../settings/settings-store';
import { pushLimits } from '../limits/push-limits';
import { LOCK_OPERATIONS } from '../base/advisory-locks';
import { crashIfInjected, OPERATION_COLUMNS, toOperationRecord, type OperationRecord, type OperationRow } from '../operations/journal';
import type { Reconciler } from '../operations/reconcile';
import { runJournaled, type JournaledOperation, type JournaledRun } from '../operations/run-journaled';
import { namesFor, takenTenantCodes } from './name-availability';
import { currentPlan } from './tenant-queries';
import { tenantDetailSelect, toTenantDetail, type TenantRow } from './tenant-rows';

/**
 * The journaled steps of provisioning. `creating_database` is an intent, written before the
 * clone, so reconcile knows the database may exist; the other steps are reached in the
 * write after their action. (A rollback never depends on the step: it drops what carries
 * this operation's claim, whatever the step says.)
 */
export const PROVISION_STEPS = [
  'registered',
  'role_created',
  'creating_database',
  'database_created',
  'privileges_granted',
  'limits_pushed',
  'activated',
] as const;
export type ProvisionStep = (typeof PROVISION_STEPS)[number];

const NO_FLUSH = { flush: false } as const;

const MILESTONES: Readonly<Partial<Record<ProvisionStep, string>>> = {
  registered: 'Registered the tenant',
  role_created: 'Created its login role',
  database_created: 'Created its database from the template',
  privileges_granted: 'Granted privileges',
  limits_pushed: 'Wrote its plan limits into its database',
  activated: 'Activated',
};
const MILESTONE_STEPS = Object.keys(MILESTONES) as ProvisionStep[];

export type ProvisionProgress = (step: ProvisionStep, index: number, count: number, message: string) => void;

export interface ProvisionResult {
  readonly tenant: TenantDetail;
  readonly credentials: TenantCredentials;
}

interface ProvisionPayload extends Record<string, unknown> {
  serverId: string;
  database: string;
  role: string;
}

/** The role name is already used on the server by something that is not this operation. */
class NameClash extends Error {}

export interface ProvisionOptions {
  /**
   * Restore as a new tenant: instead of cloning the template, take over this (restored,
   * verified, unconnected) database by renaming it. A rollback drops it like a clone.
   */
  readonly adoptDatabase?: string;
}

export async function provisionTenant(
  ctx: PlatformContext,
  input: ChannelParsedInput<'tenants:create'>,
  onProgress: ProvisionProgress = () => undefined,
  options: ProvisionOptions = {},
): Promise<ProvisionResult> {
  // The password's SCRAM key derivation (~4 ms of CPU, on libuv's pool) overlaps the reads
  // and the registration; a retry keeps it (nobody has seen it yet).
  const password = generateTenantPassword();
  const secret = { password, verifier: scramSha256VerifierAsync(password) };
  // Side by side: the plan, the threshold its template is made with, whether spares are
  // kept, and the codes already taken. (A taken subdomain is reported by the registry's
  // unique index at registration.)
  const [plan, settings, taken] = await Promise.all([
    currentPlan(ctx.pool, input.plan),
    readSettings(ctx.pool, ['limitWarningPercent', 'spareDatabasesPerPlan']),
    takenTenantCodes(ctx.pool, ctx.primary, input.companyName),
  ]);
  const spec = planTemplateSpec(plan, settings.limitWarningPercent);
  // The plan version's template when it is ready: the clone then arrives with its grants and limits.
  const planTemplate = options.adoptDatabase ? null : (ctx.primary.planTemplates?.readyFor(spec) ?? null);
  // Spares of exactly that template (their name says which): one is renamed instead of cloning.
  const spares = options.adoptDatabase || settings.spareDatabasesPerPlan === 0 ? null : (ctx.primary.spares ?? null);
  const clashed = new Set<string>();
  for (let attempt = 1; ; attempt += 1) {
    try {
      // The codes read above serve the first attempt; a retry reads them again.
      const takenNow = attempt === 1 ? taken : null;
      const choice = {
        version: plan.version,
        trialDays: plan.trialDays,
        connectionLimit: plan.connectionLimit,
        template: planTemplate,
        spares: spares && { pool: spares, spec },
      };
      return await provisionOnce(ctx, input, choice, { taken: takenNow, clashed }, secret, onProgress, options);
    } catch (error) {
      // Another console on the same server claimed this code's names a moment ago: next code.
      if (!(error instanceof NameClash) || attempt >= 5) throw error;
      clashed.add(error.message);
    }
  }
}

/** Codes not to use: as read before the first attempt (null: read them now), and names another console claimed meanwhile. */
interface TakenCodes {
  readonly taken: ReadonlySet<string> | null;
  readonly clashed: ReadonlySet<string>;
}

interface PlanChoice {
  readonly version: number;
  readonly trialDays: number | null;
  /** The plan version's CONNECTION LIMIT, set on the role as it is created. */
  readonly connectionLimit: number;
  readonly template: string | null;
  /** Where to look for a spare of the plan version's template (null: clone). */
  readonly spares: { readonly pool: SparePool; readonly spec: PlanTemplateSpec } | null;
}

async function provisionOnce(
  ctx: PlatformContext,
  input: ChannelParsedInput<'tenants:create'>,
  plan: PlanChoice,
  codes: TakenCodes,
  { password, verifier }: { readonly password: string; readonly verifier: Promise<string> },
  onProgress: ProvisionProgress,
  options: ProvisionOptions,
): Promise<ProvisionResult> {
  const server = ctx.primary;
  const milestone = (step: ProvisionStep, message = MILESTONES[step]!) => {
    const index = MILESTONE_STEPS.indexOf(step);
    if (index >= 0) onProgress(step, index + 1, MILESTONE_STEPS.length, message);
  };

  const journaled: JournaledRun = {
    register: (session) => register(ctx, session, input, plan, codes),
    describeFailure: async (error, operation) => {
      if (!operation || error instanceof AppError || error instanceof NameClash) return error as Error;
      const failedStep = await operation.currentStep().catch(() => operation.record.step);
      return new AppError('INTERNAL', `Provisioning ${operation.tenantCode} failed at step "${failedStep}": ${(error as Error).message}. Nothing was left behind.`, { cause: error });
    },
    // Left running if the rollback fails: the next reconcile finishes it.
    undo: (operation, _failure, cause) => undoProvision(ctx, operation, (cause as Error).message),
  };
  // Every step before the activation commits without waiting for the disk: the
  // activation's own commit, on the same server, flushes them all before the credentials
  // are shown, and a server crash before it leaves a prefix of the steps, which reconcile
  // rolls back like any interruption (commit-without-flush.ts).
  // A spare taken is replaced once this provisioning is over (done or rolled back), so the
  // refill's clone never competes with the activation's commit.
  let tookSpare = false;
  return runJournaled(ctx, journaled, async (operation) => {
    const { database, role } = operation.payload as ProvisionPayload;
    let planTemplate = plan.template;
    // Looked up while the role is created; a failed lookup only means cloning.
    const spares = plan.spares ? plan.spares.pool.candidates(plan.spares.spec).catch(() => []) : Promise.resolve([]);
    milestone('registered');

    // The role comes first and carries the operation's id: creating it is this operation's
    // atomic claim on the tenant's names, server-wide, so a rollback only ever drops what
    // this operation made — never another console's tenant. With its password and its
    // membership of the tenant group role (whose grants the plan template carries), NOLOGIN
    // until its database is ready. The tenant's server is the platform database's own
    // (ctx.primary): the role and the journal step commit together, in one round trip —
    // the step also being the intent of the clone that follows. Its CONNECTION LIMIT is its
    // plan's from the start (a restore as a new tenant comes this way too).
    const scram = await verifier;
    try {
      await operation.stepWith(
        `CREATE ROLE ${quoteIdent(role)} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION NOBYPASSRLS
           ${connectionLimitClause(plan.connectionLimit)} PASSWORD ${quoteLiteral(scram)} IN ROLE ${quoteIdent(TENANT_GROUP_ROLE)};
         COMMENT ON ROLE ${quoteIdent(role)} IS ${quoteLiteral(claimTag(operation))}`,
        'creating_database',
        ['role_created'],
        NO_FLUSH,
      );
    } catch (error) {
      // 42710: the role exists. 23505 on pg_authid's name index: another console's CREATE ROLE
      // of the same name committed while this one ran (two platforms sharing a server).
      const code = pgErrorCode(error);
      if (code === '42710' || (code === '23505' && (error as { constraint?: string }).constraint === 'pg_authid_rolname_index')) {
        throw new NameClash(operation.tenantCode);
      }
      throw error;
    }
    milestone('role_created');

    // What a clone never copies: the database's ACL (CONNECT for this role only) and the
    // role's settings in it; then LOGIN. One transaction — with the journal step, when the
    // plan template brought the grants and limits. Without one, they are written over a
    // connection to the new database meanwhile, and the step follows once both settled
    // (both settle before any rollback starts).
    const databaseAccess = `REVOKE ALL ON DATABASE ${quoteIdent(database)} FROM PUBLIC;
         GRANT CONNECT ON DATABASE ${quoteIdent(database)} TO ${quoteIdent(role)};
         ALTER ROLE ${quoteIdent(role)} IN DATABASE ${quoteIdent(database)} SET search_path = erp, public;
         ALTER ROLE ${quoteIdent(role)} LOGIN`;
    const reached = ['database_created', 'privileges_granted'];
    const nameTaken = async (): Promise<never> => {
      // Someone made a database by this name outside the console: never ours to drop.
      await operation.step('database_name_taken');
      throw new AppError('ALREADY_EXISTS', `A database named ${database} already exists on ${server.endpoint.name}; it was left untouched.`);
    };

    // A ready spare: renamed to the tenant's database, opened to its role alone, LOGIN and the
    // journal step — one transaction, so a crash leaves either the spare or the tenant's
    // database (which the rollback drops like a clone). The spare already holds the grants
    // and limits: nothing to clone and nothing to connect to.
    const spare = await takeSpare(operation, await spares, (name) => `${takeSpareStatements(name, database)};\n${databaseAccess}`, reached);
    if (spare === 'name_taken') await nameTaken();
    if (spare !== null) {
      tookSpare = true;
      milestone('database_created', 'Took a ready database (a spare clone of the plan template)');
    } else {
      try {
        await server.adminPool.query(
          options.adoptDatabase
            ? `ALTER DATABASE ${quoteIdent(options.adoptDatabase)} RENAME TO ${quoteIdent(database)}`
            : `CREATE DATABASE ${quoteIdent(database)} TEMPLATE ${quoteIdent(planTemplate ?? server.templateDatabase)}`,
        );
      } catch (error) {
        const code = pgErrorCode(error);
        if (code === '42P04' || code === '23505') await nameTaken();
        if (code !== '3D000' || planTemplate === null) throw error;
        // The plan template went away (dropped by someone): the long way, and a new one for the next tenant.
        server.planTemplates?.forget(planTemplate);
        planTemplate = null;
        await server.adminPool.query(`CREATE DATABASE ${quoteIdent(database)} TEMPLATE ${quoteIdent(server.templateDatabase)}`);
      }
      milestone('database_created');

      if (planTemplate !== null) {
        await operation.stepWith(databaseAccess, 'limits_pushed', reached, NO_FLUSH);
      } else {
        await settleAll([
          server.adminPool.query(`${NO_FLUSH_STATEMENT};\n${databaseAccess}`),
          limitsSpecFor(ctx.pool, operation.tenantId!, { code: input.plan, version: plan.version }).then((limits) =>
            withClient(server.endpoint, database, async (client) => {
              await grantGroupPrivileges(client);
              await pushLimits(client, limits);
            }, { waitForClose: false }),
          ),
        ]);
        await operation.step('limits_pushed', reached, NO_FLUSH);
      }
    }
    milestone('privileges_granted');
    milestone('limits_pushed');

    // The tenant's status and the journal's end in one statement: atomic, one round trip —
    // and an ordinary commit, whose flush makes every step before it durable too.
    // Read back in the same statement: the tenant as it is now, for the reply.
    const { rows } = await operation.finishWith(() => ctx.pool.query<TenantRow>(
      `WITH activated AS (
         UPDATE tenants SET status = 'active', status_changed_at = now(), updated_at = now(),
                            schema_version = $3, limits_pushed_at = now() WHERE id = $1
         RETURNING *
       ), finished AS (
         UPDATE operations SET step = 'activated', state = 'done', updated_at = now(), finished_at = now() WHERE id = $2
       ), fingerprinted AS (
         -- The password the console set, for the server check (migration 009): a change by the tenant shows.
         INSERT INTO tenant_role_fingerprints (tenant_id, db_role, password_sha256) VALUES ($1, $4, $5)
         ON CONFLICT (tenant_id) DO UPDATE SET db_role = EXCLUDED.db_role, password_sha256 = EXCLUDED.password_sha256, recorded_at = now()
       )
       ${tenantDetailSelect('activated')}`,
      [operation.tenantId, operation.id, TENANT_SCHEMA_VERSION, role, passwordFingerprint(scram)],
    ));
    crashIfInjected('activated');
    milestone('activated');

    const tenant = toTenantDetail(rows[0]!);
    ctx.events.emit('tenant:changed', { tenantCode: tenant.tenantCode, status: tenant.status, version: tenant.version });
    return {
      tenant,
      credentials: { host: server.endpoint.publicHost, port: server.endpoint.port, database, user: role, password },
    };
  }).finally(() => {
    if (tookSpare) plan.spares?.pool.taken();
  });
}

async function settleAll(work: readonly Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(work);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
}

/**
 * Tries the spares in turn: the first whose rename (and the rest of `statements`, with the
 * journal step `limits_pushed`) commits is the tenant's database. A spare gone meanwhile —
 * another console renamed it first, or a refill dropped it as stale — fails with 3D000:
 * the next one. Null when none could be taken (provisioning clones); `name_taken` when the
 * tenant's database name is already used on the server.
 */
async function takeSpare(
  operation: JournaledOperation,
  candidates: readonly string[],
  statements: (spare: string) => string,
  reached: readonly string[],
): Promise<string | 'name_taken' | null> {
  for (const spare of candidates) {
    try {
      await operation.stepWith(statements(spare), 'limits_pushed', reached, NO_FLUSH);
      return spare;
    } catch (error) {
      const code = pgErrorCode(error);
      if (code === '42P04') return 'name_taken';
      // Gone, or (connections refused, so never in practice) in use: not ours to take.
      if (code !== '3D000' && code !== '55006') throw error;
    }
  }
  return null;
}

/** Written on the tenant's role in the transaction that creates it: whose the names are. */
function claimTag(operation: Pick<OperationRecord, 'id'>): string {
  return `tenant-console operation ${operation.id}`;
}

/**
 * Step 1, one statement (so one atomic transaction and one round trip): a free code, the
 * registry row (provisioning), the journal entry and the operation's advisory lock — taken
 * before the statement commits, so the row is never visible without its live owner.
 */
async function register(
  ctx: PlatformContext,
  session: pg.PoolClient,
  input: ChannelParsedInput<'tenants:create'>,
  plan: PlanChoice,
  codes: TakenCodes,
): Promise<OperationRecord> {
  const server = ctx.primary;
  for (let attempt = 1; ; attempt += 1) {
    const taken = attempt === 1 && codes.taken ? new Set(codes.taken) : await takenTenantCodes(session, server, input.companyName);
    for (const code of codes.clashed) taken.add(code);
    const code = await firstFreeTenantCode(input.companyName, (candidate) => taken.has(candidate));
    const { database, role } = namesFor(code);
    const payload: ProvisionPayload = { serverId: server.id, database, role };
    try {
      const { rows } = await session.query<OperationRow>(
        `WITH tenant AS (
           INSERT INTO tenants (tenant_code, company_name, subdomain, admin_email, plan_code, plan_version, status,
                                trial_ends_at, server_id, database_name, db_role)
           VALUES ($1, $2, $3, $4, $5, $6, 'provisioning',
                   CASE WHEN $7::int IS NULL THEN NULL ELSE now() + make_interval(days => $7::int) END, $8, $9, $10)
           RETURNING id
         ), billing AS (
           -- Every tenant has its billing row from the start: trialing, a paid period, or none (free / priced by contract).
           INSERT INTO tenant_billing (tenant_id, state, current_period_start, current_period_end)
           SELECT tenant.id,
                  CASE WHEN $7::int IS NOT NULL THEN 'trialing'
                       WHEN plan.billed_each_period THEN 'active' ELSE 'none' END,
                  now(),
                  CASE WHEN $7::int IS NULL AND plan.billed_each_period
                       THEN now() + CASE plan.billing_interval WHEN 'year' THEN interval '1 year' ELSE interval '1 month' END END
             FROM tenant, plans plan WHERE plan.code = $5 AND plan.version = $6
         ), operation AS (
           INSERT INTO operations (kind, tenant_id, tenant_code, state, step, payload, started_by)
           SELECT 'provision', tenant.id, $1, 'running', 'registered', $11, $12 FROM tenant
           RETURNING ${OPERATION_COLUMNS}
         )
         SELECT operation.*, pg_advisory_lock($13, operation.lock_key) FROM operation WHERE ${NO_FLUSH_CONDITION}`,
        [code, input.companyName, input.subdomain, input.adminEmail, input.plan, plan.version, plan.trialDays, server.id, database, role,
          payload, ctx.operator, LOCK_OPERATIONS],
      );
      return toOperationRecord(rows[0]!);
    } catch (error) {
      if (pgErrorCode(error) === '23505') {
        const constraint = (error as { constraint?: string }).constraint;
        if (constraint === 'tenants_subdomain_ci') {
          throw new AppError('ALREADY_EXISTS', `The subdomain "${input.subdomain}" is already used by another tenant.`);
        }
        // Another console took the same code a moment ago: pick again.
        if (attempt < 5) continue;
      }
      throw error;
    }
  }
}

/**
 * Rolls a provisioning back, whatever step it reached: the database, the role and the
 * registry row go, the journal says rolled_back. Idempotent — reconcile calls it after a
 * crash. Server objects are dropped only when the role carries this operation's claim tag
 * (the database before the role, so a crash in between still finds the claim).
 * (Credentials were never shown, so rolling forward would make a tenant nobody can use.)
 */
export async function undoProvision(ctx: PlatformContext, operation: JournaledOperation, reason: string): Promise<void> {
  const { serverId, database, role } = operation.payload as ProvisionPayload;
  const server = ctx.serverById(serverId);
  const { rows } = await server.adminPool.query<{ tag: string | null }>(
    "SELECT shobj_description(oid, 'pg_authid') AS tag FROM pg_roles WHERE rolname = $1",
    [role],
  );
  if (rows[0]?.tag === claimTag(operation)) {
    const step = await operation.currentStep();
    if (step !== 'database_name_taken') {
      await server.adminPool.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
    }
    await server.adminPool.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`);
  }
  await operation.finishIn({ state: 'rolled_back', error: reason }, async (client) => {
    if (operation.tenantId) {
      await client.query(`DELETE FROM tenants WHERE id = $1 AND status = 'provisioning'`, [operation.tenantId]);
    }
  });
}

/** Reconcile rolls an interrupted provisioning back: its credentials were never delivered. */
export const provisionReconciler: Reconciler = {
  kinds: ['provision'],
  handle: async (ctx, operation, reason) => {
    await undoProvision(ctx, operation, reason);
    return 'rolledBack';
  },
};
