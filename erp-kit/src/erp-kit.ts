/**
 * The kit in one object: resolve a request's tenant, refuse it when it is not active, and
 * run the ERP's queries on the tenant's own database, turning the database's refusals into
 * the answers the ERP's users should see (403 limit, 403 suspended, 410 cancelled).
 */
import type pg from 'pg';
import { accountCancelled, accountSuspended, accountUnavailable, databaseUnavailable, isTenantKitError, limitReached, noTenantInRequest } from './answers.js';
import { checkLimit, type LimitCheck, type LimitResource } from './check-limit.js';
import { TenantResolver, type ResolvedTenant, type TenantResolverOptions } from './resolver.js';
import { accountAdminLimit, isDatabaseUnreachable, isLoginRefused, isSessionEnded, limitDetails, sqlState } from './sqlstate.js';
import { acceptInvitation, INVITATION_SQLSTATE, invitationInvalid } from './invitations.js';
import { PoolsBusyError, TenantPools, type TenantPoolsOptions } from './tenant-pools.js';

export interface ErpKitOptions {
  /** Where the Tenant API is and how long its answers are trusted. */
  readonly resolver: TenantResolverOptions | TenantResolver;
  readonly credentialsFor: TenantPoolsOptions['credentialsFor'];
  readonly pools?: Omit<TenantPoolsOptions, 'credentialsFor'>;
}

/** Where a request says which tenant it is for. */
export interface TenantRequest {
  /** The Host header (or the proxy-aware host name a framework derives from it). */
  readonly host?: string | undefined;
  /** The X-Tenant-ID header: wins over the host when present. */
  readonly tenantId?: string | undefined;
}

/** One request's tenant: who it is, and its database. */
export interface TenantHandle {
  readonly code: string;
  readonly status: string;
  readonly plan: string;
  readonly subdomain: string;
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /** A connection of the tenant's pool for several statements (no transaction). */
  withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  /** BEGIN … COMMIT around `work` (ROLLBACK if it throws). */
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  checkLimit(resource: LimitResource | 'company' | 'user' | 'transaction', companyId?: number | string): Promise<LimitCheck>;
  /** The invited administrator's password hash for `token` (400 invitation_invalid when used or expired); the user's id. */
  acceptInvitation(token: string, passwordHash: string): Promise<number>;
}

export class ErpKit {
  readonly resolver: TenantResolver;
  readonly pools: TenantPools;

  constructor(options: ErpKitOptions) {
    this.resolver = options.resolver instanceof TenantResolver ? options.resolver : new TenantResolver(options.resolver);
    this.pools = new TenantPools({ ...options.pools, credentialsFor: options.credentialsFor });
  }

  /**
   * The request's tenant, ready to query: 400 when the request names none, 404 unknown,
   * 403 suspended, 410 cancelled, 503 while the directory is unreachable (TenantKitError).
   */
  async tenantFor(request: TenantRequest): Promise<TenantHandle> {
    const tenantId = request.tenantId?.trim();
    let tenant: ResolvedTenant;
    if (tenantId) {
      tenant = await this.resolver.byCode(tenantId);
      // On a tenant's own host name the header may not point elsewhere: a user of one tenant
      // must not reach another's database by adding a header. (A shared host, one the
      // directory does not know, may name any tenant: the ERP checks who the user is.)
      const hostTenant = request.host ? await this.resolver.byHost(request.host).catch(() => null) : null;
      if (hostTenant && hostTenant.tenantCode !== tenant.tenantCode) throw noTenantInRequest('X-Tenant-ID names another tenant than the host.');
    } else if (request.host) tenant = await this.resolver.byHost(request.host);
    else throw noTenantInRequest('The request names no tenant (no Host header or X-Tenant-ID).');
    refuseUnlessActive(tenant);
    return this.handleFor(tenant, request.host);
  }

  /** A handle for a tenant already resolved (a job or a queue worker, not a request). */
  handleFor(tenant: ResolvedTenant, host?: string): TenantHandle {
    const run = <T>(work: (client: pg.PoolClient) => Promise<T>) => this.#run(tenant, host, work);
    return {
      code: tenant.tenantCode,
      status: tenant.status,
      plan: tenant.plan,
      subdomain: tenant.subdomain,
      query: (text, values) => run((client) => client.query(text, values)),
      withClient: run,
      transaction: (work) =>
        run(async (client) => {
          await client.query('BEGIN');
          try {
            const result = await work(client);
            await client.query('COMMIT');
            return result;
          } catch (error) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw error;
          }
        }),
      checkLimit: (resource, companyId) => run((client) => checkLimit(client, resource, companyId)),
      acceptInvitation: (token, passwordHash) => run((client) => acceptInvitation(client, token, passwordHash)),
    };
  }

  /**
   * What the ERP's user should be told about `error` from the tenant's database: a
   * TenantKitError (403/410/503) for the refusals this kit knows, else `error` unchanged.
   */
  async translate(error: unknown, tenant: ResolvedTenant, host?: string): Promise<unknown> {
    if (isTenantKitError(error)) return error;
    const limit = limitDetails(error) ?? accountAdminLimit(error);
    if (limit) return limitReached(limit, error);
    if (sqlState(error) === INVITATION_SQLSTATE) return invitationInvalid((error as Error).message, error);
    const refused = isLoginRefused(error);
    if (refused || isSessionEnded(error)) {
      // The database turned the role away or ended its session: a suspension or a
      // cancellation (NOLOGIN, CONNECT revoked, sessions terminated). Ask the directory which,
      // past its cache, and drop the pool's dead connections.
      void this.pools.drop(tenant.tenantCode, { onlyIdle: true });
      this.resolver.forget({ tenantCode: tenant.tenantCode, ...(host ? { host } : {}) });
      let now: ResolvedTenant | undefined;
      try {
        now = await this.resolver.byCode(tenant.tenantCode, { fresh: true });
      } catch {
        now = undefined;
      }
      if (now?.status === 'cancelled' || now?.status === 'deleted') return accountCancelled(tenant.tenantCode, error);
      if (now?.status === 'suspended') return accountSuspended(tenant.tenantCode, error);
      // Directory says active (it has not caught up) or cannot say: a role refused at login
      // is how suspension is enforced; a session ended for another reason is a blip.
      return refused ? accountSuspended(tenant.tenantCode, error) : databaseUnavailable(tenant.tenantCode, error);
    }
    if (isDatabaseUnreachable(error) || error instanceof PoolsBusyError) return databaseUnavailable(tenant.tenantCode, error);
    return error;
  }

  async close(): Promise<void> {
    await this.pools.close();
  }

  async #run<T>(tenant: ResolvedTenant, host: string | undefined, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    try {
      return await this.pools.withClient(tenant.tenantCode, tenant.connection, work);
    } catch (error) {
      throw await this.translate(error, tenant, host);
    }
  }
}

/** 403 suspended, 410 cancelled or deleted, 503 for any other state (provisioning, or one newer than this kit). */
export function refuseUnlessActive(tenant: ResolvedTenant): void {
  switch (tenant.status) {
    case 'active':
      return;
    case 'suspended':
      throw accountSuspended(tenant.tenantCode);
    case 'cancelled':
    case 'deleted':
      throw accountCancelled(tenant.tenantCode);
    default:
      throw accountUnavailable(tenant.tenantCode, tenant.status);
  }
}

export function createErpKit(options: ErpKitOptions): ErpKit {
  return new ErpKit(options);
}
