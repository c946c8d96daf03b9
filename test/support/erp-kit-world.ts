import type { ConsoleCore } from '../../src-main/app/console-core';
import { startTenantApi, type TenantApi } from '../../src-main/tenant-api/tenant-api-server';
import { ErpKit, type ErpKitOptions, type TenantResolverOptions } from '../../erp-kit/src/index';
import { call, uniqueTenantInput } from './core-calls';
import { startStandInTenantApi, type ResolveAnswer, type ResolveQuery, type StandInTenantApi } from './stand-in-tenant-api';

/**
 * The ERP kit's world in the tests: real tenants provisioned by a real console core, the
 * passwords the ERP would have stored at creation, and the REAL tenant API
 * (`startTenantApi` on a free loopback port) answering the kit's /api/resolve with a key
 * made through `apiKeys:create` (scopes tenants:read and tenants:status). Tenants are
 * addressed as <subdomain>.<baseDomain> (the console's setting, yourerp.com by default);
 * suspension, cancellation and reactivation go through `PUT /api/tenants/{code}/status`.
 *
 * STAND-IN, for the few checks that need it only: `standIn` is a recording proxy in front of
 * the real API's /api/resolve that counts the requests, injects failures (`failWith`,
 * `delay`) and can report a status the console no longer has (`statusOverrides`: a directory
 * lagging behind). A kit uses it only when asked: `world.kit(options, { via: 'stand-in' })`.
 */
export interface KitTenant {
  readonly code: string;
  readonly subdomain: string;
  readonly host: string;
  readonly version: number;
}

/** The kit's options with the resolver's own partly given (the world supplies its URL and key). */
export type KitOptions = Partial<Omit<ErpKitOptions, 'resolver'>> & { resolver?: Partial<TenantResolverOptions> };

export interface ErpKitWorld {
  /** The real tenant API the kits resolve through. */
  readonly api: TenantApi;
  /** Its key (tenants:read, tenants:status), as the ERP would hold it, and the key's name (the audit log's `api-key:<name>`). */
  readonly apiKey: string;
  readonly apiKeyName: string;
  /** The console's base domain: tenants' hosts are <subdomain>.<baseDomain>. */
  readonly baseDomain: string;
  /** STAND-IN: a recording, failure-injecting proxy in front of the real API's /api/resolve. */
  readonly standIn: StandInTenantApi;
  /** STAND-IN only: a status the proxy reports instead of the API's (a directory lagging behind). */
  readonly statusOverrides: Map<string, string>;
  /** What the ERP stored when each tenant was created: tenant code → password. */
  readonly passwords: Map<string, string>;
  createTenant(plan: string, limits?: Partial<Record<'companies' | 'users' | 'transactions', number>>): Promise<KitTenant>;
  /** Through the real API's PUT /api/tenants/{code}/status (no backup first: see setStatus). */
  suspend(code: string): Promise<void>;
  cancel(code: string): Promise<void>;
  activate(code: string): Promise<void>;
  kit(options?: KitOptions, route?: { via: 'api' | 'stand-in' }): ErpKit;
  close(): Promise<void>;
}

/**
 * `companyName` gives the tenants' codes their prefix (KITT…, SAMP…): tenant roles are
 * names on the whole server, and two consoles sharing the external server may pick the same
 * free code at the same moment; files of their own prefix do not race each other.
 */
export async function startErpKitWorld(core: ConsoleCore, { companyName }: { companyName: string }): Promise<ErpKitWorld> {
  const passwords = new Map<string, string>();
  const statusOverrides = new Map<string, string>();
  const kits: ErpKit[] = [];
  const { baseDomain } = await call(core, 'settings:get', {});
  const apiKeyName = `erp-kit-${process.pid}-${Date.now().toString(36)}`;
  const apiKey = (await call(core, 'apiKeys:create', { name: apiKeyName, scopes: ['tenants:read', 'tenants:status'] })).key;
  // A generous rate limit: these tests exercise the ERP, not the API's 429 (tested in tenant-api.test.ts).
  const api = await startTenantApi(core, { listen: '127.0.0.1:0', rateLimit: { max: 100_000, windowMs: 60_000 } });

  const toApi = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    return { status: response.status, json: text ? (JSON.parse(text) as unknown) : null };
  };

  // The stand-in asks the real API and passes its answer on (or its override of the status).
  const throughApi = async (query: ResolveQuery): Promise<ResolveAnswer | null> => {
    const { status, json } = await toApi('GET', `/api/resolve?${new URLSearchParams(query as Record<string, string>).toString()}`);
    if (status === 404) return null;
    if (status !== 200) throw new Error(`The tenant API answered ${status}: ${JSON.stringify(json)}`);
    const answer = json as ResolveAnswer;
    return { ...answer, status: statusOverrides.get(answer.tenant_code) ?? answer.status };
  };
  const standIn = await startStandInTenantApi(throughApi);

  /**
   * `backup_first: false`: the API backs a tenant up before suspending or cancelling it by
   * default (docs/api.md); these tests are about the ERP's answers, and a backup per status
   * change would make them slow. The backup-first rule is tested in tenant-api.test.ts.
   */
  const setStatus = async (code: string, status: 'active' | 'suspended' | 'cancelled') => {
    const answer = await toApi('PUT', `/api/tenants/${encodeURIComponent(code)}/status`, { status, reason: 'ERP kit test', backup_first: false });
    if (answer.status !== 200) throw new Error(`PUT /api/tenants/${code}/status ${status} answered ${answer.status}: ${JSON.stringify(answer.json)}`);
  };

  return {
    api,
    apiKey,
    apiKeyName,
    baseDomain,
    standIn,
    statusOverrides,
    passwords,
    async createTenant(plan, limits = {}) {
      const { tenant, credentials } = await call(core, 'tenants:create', uniqueTenantInput(plan, companyName));
      passwords.set(tenant.tenantCode, credentials.password);
      for (const [resource, value] of Object.entries(limits)) {
        await call(core, 'tenants:setOverride', { ref: tenant.tenantCode, resource: resource as 'companies', kind: 'limit', value, reason: 'ERP kit test' });
      }
      return { code: tenant.tenantCode, subdomain: tenant.subdomain, host: `${tenant.subdomain}.${baseDomain}`, version: tenant.version };
    },
    suspend: (code) => setStatus(code, 'suspended'),
    cancel: (code) => setStatus(code, 'cancelled'),
    activate: (code) => setStatus(code, 'active'),
    kit(options = {}, route = { via: 'api' }) {
      const directory = route.via === 'stand-in' ? { apiUrl: standIn.url, apiKey: standIn.key } : { apiUrl: api.url, apiKey };
      const kit = new ErpKit({
        credentialsFor: (code) => {
          const password = passwords.get(code);
          if (!password) throw new Error(`No stored password for ${code}.`);
          return password;
        },
        ...options,
        resolver: { ...directory, ...options.resolver },
      });
      kits.push(kit);
      return kit;
    },
    async close() {
      await Promise.all(kits.map((kit) => kit.close()));
      await standIn.close();
      await api.close();
    },
  };
}
