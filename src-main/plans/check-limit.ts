import type { CheckLimitResult } from '../../src-shared/contract/tenant-access-channels';
import { AppError } from '../base/app-error';
import type { PlatformContext } from '../platform/platform-context';
import pg from 'pg';
import { pgErrorCode } from '../postgres/errors';
import { CHECK_LIMIT_APPLICATION, survivingLostConnections, TENANT_SESSION_TIMEOUTS } from '../postgres/pools';
import { clientConfig, type ServerEndpoint } from '../postgres/server-endpoint';
import { getTenantRow } from '../tenants/tenant-queries';

const INVALID_PARAMETER = '22023';

const POOLS_MAX = 64;
const CONNECTIONS_PER_DATABASE = 4;
/** Short: an idle console connection must not linger in a tenant database (usage's idle check, deletions). */
const IDLE_MS = 2_000;

/**
 * A few pooled connections per tenant database for check-limit: the ERP asks before every
 * "create", and a new connection (fork + SCRAM) costs far more than the question. Bounded
 * (POOLS_MAX databases, least recently used closed first), short-lived when idle.
 */
const pools = new Map<string, pg.Pool>();

function poolFor(endpoint: ServerEndpoint, database: string): pg.Pool {
  const key = `${endpoint.publicHost}:${endpoint.port}/${database}`;
  let pool = pools.get(key);
  if (pool) {
    pools.delete(key);
    pools.set(key, pool);
    return pool;
  }
  pool = new pg.Pool({
    ...clientConfig(endpoint, database, CHECK_LIMIT_APPLICATION),
    max: CONNECTIONS_PER_DATABASE,
    idleTimeoutMillis: IDLE_MS,
    allowExitOnIdle: true,
    lock_timeout: TENANT_SESSION_TIMEOUTS.lockMs,
    statement_timeout: TENANT_SESSION_TIMEOUTS.statementMs,
  });
  // A connection the server ends (a restore, a deletion, a restart) must not crash the process.
  survivingLostConnections(pool);
  pools.set(key, pool);
  if (pools.size > POOLS_MAX) {
    const [oldestKey, oldest] = pools.entries().next().value as [string, pg.Pool];
    pools.delete(oldestKey);
    void oldest.end().catch(() => undefined);
  }
  return pool;
}

/** Ends every check-limit connection (the core's close). */
export async function closeCheckLimitPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((pool) => pool.end().catch(() => undefined)));
}

/** Where a tenant's database is, as read on one caller's connection, and until when it is reused. */
interface Located {
  readonly tenantCode: string;
  readonly serverId: string;
  readonly databaseName: string;
  readonly until: number;
}

/** At most this many tenants remembered per caller (the oldest forgotten first). */
const LOCATED_MAX = 10_000;

/** Per caller's pool (an operator's grants decide what it may read): ref (lower case) → location. */
const located = new WeakMap<pg.Pool, Map<string, Located>>();

async function locate(ctx: PlatformContext, ref: string, trustMs: number): Promise<Located> {
  const known = trustMs > 0 ? located.get(ctx.pool) : undefined;
  const key = ref.toLowerCase();
  const now = performance.now();
  const hit = known?.get(key);
  if (hit && now < hit.until) return hit;
  const row = await getTenantRow(ctx.pool, ref);
  const found = { tenantCode: row.tenant_code, serverId: row.server_id, databaseName: row.database_name, until: now + trustMs };
  if (trustMs > 0) {
    let map = located.get(ctx.pool);
    if (!map) located.set(ctx.pool, (map = new Map()));
    map.delete(key);
    if (map.size >= LOCATED_MAX) map.delete(map.keys().next().value as string);
    map.set(key, found);
  }
  return found;
}

function forget(ctx: PlatformContext, ref: string): void {
  located.get(ctx.pool)?.delete(ref.toLowerCase());
}

/**
 * "May this tenant create one more?", answered by the tenant database itself
 * (`platform.check_limit`, the function the ERP calls): the same counters and effective
 * limit the triggers enforce, so the answer and the enforcement never disagree. The tenant
 * is looked up on the caller's connection (its grants apply); the tenant database is read
 * with the console's server role on the pooled connections above, under the tenant-session timeouts.
 * With `trustMs` (the tenant API: base/tenant-api-trust.ts) where the database is, is reused
 * for that long; any failure forgets it, so a moved or restored database is looked up again.
 */
export async function checkTenantLimit(
  ctx: PlatformContext,
  input: { ref: string; resource: string; companyId?: number | undefined },
  trustMs = 0,
): Promise<CheckLimitResult> {
  const row = await locate(ctx, input.ref, trustMs);
  try {
    const { rows } = await poolFor(ctx.serverById(row.serverId).endpoint, row.databaseName).query<{ can_create: boolean; current: number; limit: number | null; message: string | null }>(
      'SELECT can_create, current, "limit", message FROM platform.check_limit($1, $2)',
      [input.resource, input.companyId ?? null],
    );
    const answer = rows[0]!;
    return { canCreate: answer.can_create, current: Number(answer.current), limit: answer.limit === null ? null : Number(answer.limit), message: answer.message };
  } catch (error) {
    forget(ctx, input.ref);
    // The function's own refusals (a user check without a company): the caller's input.
    if (pgErrorCode(error) === INVALID_PARAMETER) throw new AppError('VALIDATION', `${row.tenantCode}: ${(error as Error).message}`);
    throw error;
  }
}
