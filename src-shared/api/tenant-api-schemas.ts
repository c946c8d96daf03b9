import { z } from 'zod';
import { API_SCOPES, type ApiScope } from '../contract/api-key-channels';
import { TENANT_STATUSES } from '../domain/status';

/**
 * The tenant API's wire format (snake_case JSON), one zod schema per request and response:
 * the server validates requests and its own responses with these, and the OpenAPI 3.1
 * document (openapi.ts) is generated from them. Shape checks live here (400 when they fail);
 * the domain's rules (a reserved subdomain, an unknown plan) are the console contract's, and
 * a refusal there answers 422 — see docs/api.md.
 */

/** A tenant code as the API names tenants in paths (ACME001): case-insensitive, upper-cased. */
export const tenantCodeParamSchema = z
  .string()
  .regex(/^[A-Za-z]{2,4}[0-9]{3,6}$/, 'A tenant code is 2–4 letters and 3–6 digits, such as ACME001.')
  .transform((code) => code.toUpperCase());

export const tenantPathSchema = z.object({ code: tenantCodeParamSchema }).strict();

const isoTime = z.string().describe('ISO 8601 time (UTC)');
const apiStatusSchema = z.enum(TENANT_STATUSES);

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().describe('machine-readable: invalid_request, unauthorized, forbidden, not_found, conflict, unprocessable, rate_limited, unavailable, internal'),
      message: z.string().describe('fit to show a person'),
    }),
  })
  .meta({ id: 'Error' });

export const apiLimitsSchema = z.object({
  companies: z.number().int().nullable(),
  users_per_company: z.number().int().nullable(),
  transactions_per_month: z.number().int().nullable(),
});

export const apiTenantSchema = z
  .object({
    tenant_code: z.string(),
    company_name: z.string(),
    subdomain: z.string(),
    admin_email: z.string(),
    plan: z.string(),
    plan_version: z.number().int(),
    status: apiStatusSchema,
    status_reason: z.string().nullable(),
    limits: apiLimitsSchema,
    trial_ends_at: isoTime.nullable(),
    deletion_scheduled_at: isoTime.nullable(),
    created_at: isoTime,
    updated_at: isoTime,
    version: z.number().int().describe('optimistic concurrency: send it as expected_version to change the status'),
  })
  .meta({ id: 'Tenant' });

export const apiCredentialsSchema = z
  .object({
    host: z.string(),
    port: z.number().int(),
    database: z.string(),
    user: z.string(),
    password: z.string().describe('shown once: the console stores only a verifier'),
  })
  .meta({ id: 'Credentials' });

export const createTenantBodySchema = z
  .object({
    company_name: z.string().min(1).max(200),
    subdomain: z.string().min(1).max(63),
    plan: z.string().min(1).max(32),
    admin_email: z.string().min(3).max(254),
  })
  .strict()
  .meta({ id: 'CreateTenantRequest' });

export const createTenantResponseSchema = z
  .object({
    tenant: apiTenantSchema,
    credentials: apiCredentialsSchema
      .extend({ password: z.string().nullable().describe('null on an idempotent replay: the password was shown once, in the first answer') })
      .meta({ id: 'CreatedCredentials' }),
    idempotent_replay: z.boolean(),
  })
  .meta({ id: 'CreateTenantResponse' });

const csvList = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .max(400)
    .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean))
    .pipe(z.array(item).max(20));

export const listTenantsQuerySchema = z
  .object({
    status: csvList(apiStatusSchema).optional().describe('one status or a comma-separated list'),
    plan: csvList(z.string().regex(/^[a-z][a-z0-9_-]{1,31}$/)).optional().describe('one plan code or a comma-separated list'),
    search: z.string().max(200).optional().describe('code, company name, subdomain or admin e-mail contains'),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().max(100).optional().describe('next_cursor of the previous page'),
  })
  .strict();

export const apiTenantListItemSchema = z
  .object({
    tenant_code: z.string(),
    company_name: z.string(),
    subdomain: z.string(),
    plan: z.string(),
    status: apiStatusSchema,
    created_at: isoTime,
    version: z.number().int(),
    users_count: z.number().int().nullable().describe('from the latest usage collection; null before the first'),
    companies_count: z.number().int().nullable().describe('from the latest usage collection; null before the first'),
    usage_date: z.string().nullable().describe('the day of that collection (YYYY-MM-DD)'),
  })
  .meta({ id: 'TenantListItem' });

export const listTenantsResponseSchema = z
  .object({ tenants: z.array(apiTenantListItemSchema), next_cursor: z.string().nullable() })
  .meta({ id: 'TenantList' });

export const usageQuerySchema = z.object({ days: z.coerce.number().int().min(1).max(365).default(30) }).strict();

export const apiUsageSchema = z
  .object({
    tenant_code: z.string(),
    plan: z.string(),
    limits: z.array(
      z.object({ resource: z.string(), current: z.number().int().nullable(), limit: z.number().int().nullable(), percent: z.number().nullable() }),
    ),
    history: z.array(
      z.object({
        date: z.string(),
        companies: z.number().int().nullable(),
        users: z.number().int().nullable(),
        transactions_month: z.number().int().nullable(),
        database_bytes: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: 'TenantUsage' });

export const CHECK_LIMIT_RESOURCE_TYPES = ['company', 'user', 'transaction'] as const;

export const checkLimitBodySchema = z
  .object({
    resource_type: z.enum(CHECK_LIMIT_RESOURCE_TYPES),
    company_id: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().describe('required for user: the user limit is per company'),
  })
  .strict()
  .meta({ id: 'CheckLimitRequest' });

export const checkLimitResponseSchema = z
  .object({
    can_create: z.boolean(),
    current: z.number().int(),
    limit: z.number().int().nullable().describe('null: unlimited'),
    message: z.string().nullable().describe('"Company limit reached (3 of 3). Please upgrade.", a near-limit warning, or null'),
  })
  .meta({ id: 'CheckLimitResponse' });

export const STATUS_TARGETS = ['active', 'suspended', 'cancelled'] as const;

export const statusBodySchema = z
  .object({
    status: z.enum(STATUS_TARGETS),
    reason: z.string().min(1).max(500),
    expected_version: z.number().int().min(1).optional().describe("the tenant's version you last read: refused with 409 when it moved"),
    backup_first: z.boolean().default(true).describe('suspend and cancel back the tenant up first (verified), as the console does'),
  })
  .strict()
  .meta({ id: 'StatusChangeRequest' });

export const statusResponseSchema = z
  .object({
    tenant: apiTenantSchema,
    backup: z
      .object({ backup_id: z.string().nullable(), overridden_failure: z.string().nullable() })
      .nullable()
      .describe('the backup made first (suspend and cancel), or null'),
  })
  .meta({ id: 'StatusChangeResponse' });

export const rotateResponseSchema = z
  .object({ tenant_code: z.string(), credentials: apiCredentialsSchema, sessions_ended: z.number().int() })
  .meta({ id: 'RotateCredentialsResponse' });

export const resolveQuerySchema = z
  .object({
    host: z.string().min(1).max(253).optional().describe('the Host header the ERP received: acme.yourerp.com (a port is ignored)'),
    tenant_code: tenantCodeParamSchema.optional(),
  })
  .strict()
  .refine((query) => (query.host === undefined) !== (query.tenant_code === undefined), 'Give exactly one of host and tenant_code.');

export const resolveResponseSchema = z
  .object({
    tenant_code: z.string(),
    status: apiStatusSchema,
    plan: z.string(),
    subdomain: z.string(),
    connection: z.object({ host: z.string(), port: z.number().int(), database: z.string(), user: z.string() }).describe('never a password'),
  })
  .meta({ id: 'Resolution' });

/** The scope each operation needs (docs/api.md explains the choices). */
export const OPERATION_SCOPES = {
  createTenant: 'tenants:write',
  listTenants: 'tenants:read',
  getTenant: 'tenants:read',
  tenantUsage: 'tenants:read',
  checkLimit: 'limits:read',
  changeStatus: 'tenants:status',
  // A new password is a new secret, like the one a create hands out: a key that may only
  // suspend and activate must not be able to obtain the tenant's database password.
  rotateCredentials: 'tenants:write',
  resolve: 'tenants:read',
  signup: 'signup',
} as const satisfies Record<string, ApiScope>;

export { API_SCOPES };
