import type { z } from 'zod';
import type {
  checkLimitBodySchema,
  createTenantBodySchema,
  listTenantsQuerySchema,
  resolveQuerySchema,
  statusBodySchema,
  tenantPathSchema,
  usageQuerySchema,
} from '../../src-shared/api/tenant-api-schemas';
import { ApiError } from './api-errors';
import { defineRoute, type ApiRoute } from './api-route';
import type { IdempotencyStore } from './idempotency';
import { requestFingerprint } from './idempotency';
import { apiTenant, apiUsage } from './to-api';

type Path = z.output<typeof tenantPathSchema>;

/** How long an identical request waits for the first one (a provisioning takes seconds). */
const IDEMPOTENT_WAIT_MS = 120_000;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

const CURSOR = /^o([0-9]{1,9})$/;
function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  if (!match) throw new ApiError(400, 'invalid_request', 'cursor: pass next_cursor from the previous page unchanged.');
  return Number(match[1]);
}
const cursorAt = (offset: number) => Buffer.from(`o${offset}`, 'latin1').toString('base64url');

/** The host the ERP received, as its tenant's subdomain: the first label before the base domain. */
function subdomainOfHost(host: string, baseDomain: string): string {
  const name = host.trim().toLowerCase().replace(/:\d{1,5}$/, '').replace(/\.$/, '');
  const suffix = `.${baseDomain.toLowerCase()}`;
  if (baseDomain && !name.endsWith(suffix)) throw new ApiError(404, 'not_found', `${name.slice(0, 253)} is not under the base domain ${baseDomain}.`);
  const label = baseDomain ? name.slice(0, -suffix.length) : name.split('.')[0]!;
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) throw new ApiError(404, 'not_found', `${name.slice(0, 253)} names no tenant (one label before ${baseDomain || 'the domain'}).`);
  return label;
}

export function tenantRoutes(idempotency: IdempotencyStore): ApiRoute[] {
  return [
    defineRoute<undefined, undefined, z.output<typeof createTenantBodySchema>>('createTenant', async (call) => {
      const header = call.headers['idempotency-key'];
      const key = Array.isArray(header) ? header[0] : header;
      if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) throw new ApiError(400, 'invalid_request', 'Idempotency-Key is 1–255 printable ASCII characters.');
      const create = async () => {
        const created = await call.call('tenants:create', {
          companyName: call.body.company_name,
          subdomain: call.body.subdomain,
          plan: call.body.plan,
          adminEmail: call.body.admin_email,
        });
        call.concerns(created.tenant.tenantCode);
        return created;
      };
      if (key === undefined) {
        const created = await create();
        return { status: 201, body: { tenant: apiTenant(created.tenant), credentials: created.credentials, idempotent_replay: false } };
      }
      const claim = await idempotency.claim(call.caller.name, key, requestFingerprint(call.body), IDEMPOTENT_WAIT_MS);
      if (claim.kind === 'replay') {
        call.concerns(claim.tenantCode);
        const tenant = await call.call('tenants:get', { ref: claim.tenantCode });
        return {
          status: 200,
          body: {
            tenant: apiTenant(tenant),
            credentials: { host: tenant.server.host, port: tenant.server.port, database: tenant.databaseName, user: tenant.dbRole, password: null },
            idempotent_replay: true,
          },
        };
      }
      let created;
      try {
        created = await create();
      } catch (error) {
        await idempotency.release(call.caller.name, key);
        throw error;
      }
      await idempotency.complete(call.caller.name, key, created.tenant.tenantCode);
      return { status: 201, body: { tenant: apiTenant(created.tenant), credentials: created.credentials, idempotent_replay: false } };
    }),

    defineRoute<undefined, z.output<typeof listTenantsQuerySchema>>('listTenants', async (call) => {
      const offset = offsetOf(call.query.cursor);
      const page = await call.call('tenants:list', {
        ...(call.query.status ? { status: call.query.status } : {}),
        ...(call.query.plan ? { plan: call.query.plan } : {}),
        ...(call.query.search ? { search: call.query.search } : {}),
        sort: 'createdAt',
        direction: 'desc',
        offset,
        limit: call.query.limit,
      });
      const usage = new Map((await call.call('tenants:latestUsage', { codes: page.rows.map((row) => row.tenantCode) })).map((row) => [row.tenantCode, row]));
      const next = offset + page.rows.length;
      return {
        body: {
          tenants: page.rows.map((row) => ({
            tenant_code: row.tenantCode,
            company_name: row.companyName,
            subdomain: row.subdomain,
            plan: row.plan,
            status: row.status,
            created_at: row.createdAt,
            version: row.version,
            users_count: usage.get(row.tenantCode)?.usersTotal ?? null,
            companies_count: usage.get(row.tenantCode)?.companies ?? null,
            usage_date: usage.get(row.tenantCode)?.usageDate ?? null,
          })),
          next_cursor: page.rows.length > 0 && next < page.total ? cursorAt(next) : null,
        },
      };
    }),

    defineRoute<Path>('getTenant', async (call) => {
      call.concerns(call.params.code);
      return { body: apiTenant(await call.call('tenants:get', { ref: call.params.code })) };
    }),

    defineRoute<Path, z.output<typeof usageQuerySchema>>('tenantUsage', async (call) => {
      call.concerns(call.params.code);
      return { body: apiUsage(await call.call('usage:tenant', { ref: call.params.code, days: call.query.days })) };
    }),

    defineRoute<Path, undefined, z.output<typeof checkLimitBodySchema>>('checkLimit', async (call) => {
      call.concerns(call.params.code);
      if (call.body.resource_type === 'user' && call.body.company_id === undefined) {
        throw new ApiError(400, 'invalid_request', 'company_id is required for resource_type user: the user limit is per company.');
      }
      const answer = await call.call('tenants:checkLimit', {
        ref: call.params.code,
        resource: call.body.resource_type,
        ...(call.body.company_id !== undefined ? { companyId: call.body.company_id } : {}),
      });
      return { body: { can_create: answer.canCreate, current: answer.current, limit: answer.limit, message: answer.message } };
    }),

    defineRoute<Path, undefined, z.output<typeof statusBodySchema>>('changeStatus', async (call) => {
      const ref = call.params.code;
      call.concerns(ref);
      const current = await call.call('tenants:get', { ref });
      const expectedVersion = call.body.expected_version ?? current.version;
      const backupFirst = call.body.backup_first;
      const changed =
        call.body.status === 'suspended'
          ? await call.call('tenants:suspend', { ref, reason: call.body.reason, expectedVersion, backupFirst })
          : call.body.status === 'cancelled'
            ? await call.call('tenants:cancel', { ref, reason: call.body.reason, expectedVersion, backupFirst })
            : await call.call('tenants:activate', { ref, expectedVersion });
      const made = (changed as { backup?: { backupId: string | null; overriddenFailure: string | null } }).backup;
      const backup = made ? { backup_id: made.backupId, overridden_failure: made.overriddenFailure } : null;
      return { body: { tenant: apiTenant(changed), backup } };
    }),

    defineRoute<Path>('rotateCredentials', async (call) => {
      call.concerns(call.params.code);
      const rotated = await call.call('tenants:rotateCredentials', { ref: call.params.code });
      return { body: { tenant_code: rotated.tenantCode, credentials: rotated.credentials, sessions_ended: rotated.sessionsEnded } };
    }),

    defineRoute<undefined, z.output<typeof resolveQuerySchema>>('resolve', async (call) => {
      let ref: string;
      if (call.query.tenant_code) {
        ref = call.query.tenant_code;
      } else {
        const { baseDomain } = await call.call('settings:get', {});
        const subdomain = subdomainOfHost(call.query.host!, baseDomain);
        // A subdomain shaped like a code (abc123) would be taken for one by tenants:get.
        const page = await call.call('tenants:list', { search: subdomain, sort: 'createdAt', direction: 'desc', offset: 0, limit: 500 });
        const match = page.rows.find((row) => row.subdomain.toLowerCase() === subdomain);
        if (!match) throw new ApiError(404, 'not_found', `No tenant has the subdomain ${subdomain}.`);
        ref = match.tenantCode;
      }
      call.concerns(ref);
      const tenant = await call.call('tenants:get', { ref });
      if (tenant.status === 'deleted') throw new ApiError(404, 'not_found', `${tenant.tenantCode} was deleted.`);
      return {
        body: {
          tenant_code: tenant.tenantCode,
          status: tenant.status,
          plan: tenant.plan,
          subdomain: tenant.subdomain,
          connection: { host: tenant.server.host, port: tenant.server.port, database: tenant.databaseName, user: tenant.dbRole },
        },
      };
    }),
  ];
}
