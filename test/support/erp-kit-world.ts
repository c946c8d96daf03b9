import type { ChannelOutput } from '../../src-shared/contract/channels';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { ErpKit, type ErpKitOptions, type TenantResolverOptions } from '../../erp-kit/src/index';
import { call, uniqueTenantInput } from './core-calls';
import { startStandInTenantApi, type ResolveAnswer, type ResolveQuery, type StandInTenantApi } from './stand-in-tenant-api';

/**
 * The ERP kit's world in the tests: real tenants provisioned by a real console core, the
 * passwords the ERP would have stored at creation, and a small real HTTP server answering
 * /api/resolve from the core (the stand-in for the tenant API until it lands).
 * Tenants are addressed as <subdomain>.erp.test.
 */
export const ERP_DOMAIN = 'erp.test';

export interface KitTenant {
  readonly code: string;
  readonly subdomain: string;
  readonly host: string;
  readonly version: number;
}

/** The kit's options with the resolver's own partly given (the world supplies its URL and key). */
export type KitOptions = Partial<Omit<ErpKitOptions, 'resolver'>> & { resolver?: Partial<TenantResolverOptions> };

export interface ErpKitWorld {
  readonly api: StandInTenantApi;
  /** What the ERP stored when each tenant was created: tenant code → password. */
  readonly passwords: Map<string, string>;
  /** A status the stand-in reports instead of the core's (a directory lagging behind). */
  readonly statusOverrides: Map<string, string>;
  createTenant(plan: string, limits?: Partial<Record<'companies' | 'users' | 'transactions', number>>): Promise<KitTenant>;
  suspend(code: string): Promise<void>;
  cancel(code: string): Promise<void>;
  activate(code: string): Promise<void>;
  kit(options?: KitOptions): ErpKit;
  close(): Promise<void>;
}

export async function startErpKitWorld(core: ConsoleCore): Promise<ErpKitWorld> {
  const passwords = new Map<string, string>();
  const statusOverrides = new Map<string, string>();
  const kits: ErpKit[] = [];
  const lookup = async (query: ResolveQuery): Promise<ResolveAnswer | null> => {
    let ref: string;
    if ('tenant_code' in query) ref = query.tenant_code;
    else if (query.host.endsWith(`.${ERP_DOMAIN}`) && query.host.split('.').length === 3) ref = query.host.split('.')[0]!;
    else return null;
    const result = await core.dispatch('tenants:get', { ref }, { origin: 'test' });
    if (!result.ok) return null;
    const tenant = result.value as ChannelOutput<'tenants:get'>;
    return {
      tenant_code: tenant.tenantCode,
      status: statusOverrides.get(tenant.tenantCode) ?? tenant.status,
      plan: tenant.plan,
      subdomain: tenant.subdomain,
      connection: { host: tenant.server.host, port: tenant.server.port, database: tenant.databaseName, user: tenant.dbRole },
    };
  };
  const api = await startStandInTenantApi(lookup);
  const versionOf = async (code: string) => (await call(core, 'tenants:get', { ref: code })).version;
  return {
    api,
    passwords,
    statusOverrides,
    async createTenant(plan, limits = {}) {
      const { tenant, credentials } = await call(core, 'tenants:create', uniqueTenantInput(plan, 'Kit Test'));
      passwords.set(tenant.tenantCode, credentials.password);
      for (const [resource, value] of Object.entries(limits)) {
        await call(core, 'tenants:setOverride', { ref: tenant.tenantCode, resource: resource as 'companies', kind: 'limit', value, reason: 'ERP kit test' });
      }
      return { code: tenant.tenantCode, subdomain: tenant.subdomain, host: `${tenant.subdomain}.${ERP_DOMAIN}`, version: tenant.version };
    },
    async suspend(code) {
      await call(core, 'tenants:suspend', { ref: code, reason: 'ERP kit test', expectedVersion: await versionOf(code), backupFirst: false });
    },
    async cancel(code) {
      await call(core, 'tenants:cancel', { ref: code, reason: 'ERP kit test', expectedVersion: await versionOf(code), backupFirst: false });
    },
    async activate(code) {
      await call(core, 'tenants:activate', { ref: code, expectedVersion: await versionOf(code) });
    },
    kit(options = {}) {
      const kit = new ErpKit({
        credentialsFor: (code) => {
          const password = passwords.get(code);
          if (!password) throw new Error(`No stored password for ${code}.`);
          return password;
        },
        ...options,
        resolver: { apiUrl: api.url, apiKey: api.key, ...options.resolver },
      });
      kits.push(kit);
      return kit;
    },
    async close() {
      await Promise.all(kits.map((kit) => kit.close()));
      await api.close();
    },
  };
}
