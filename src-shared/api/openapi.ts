import { z } from 'zod';
import type { ApiScope } from '../contract/api-key-channels';
import {
  checkLimitBodySchema,
  checkLimitResponseSchema,
  createTenantBodySchema,
  createTenantResponseSchema,
  errorBodySchema,
  listTenantsQuerySchema,
  listTenantsResponseSchema,
  OPERATION_SCOPES,
  resolveQuerySchema,
  resolveResponseSchema,
  rotateResponseSchema,
  statusBodySchema,
  statusResponseSchema,
  apiTenantSchema,
  tenantPathSchema,
  usageQuerySchema,
  apiUsageSchema,
} from './tenant-api-schemas';

/** One operation of the tenant API: the OpenAPI document and the docs are generated from this table. */
export interface ApiOperation {
  readonly operationId: string;
  /** The API key scope the operation needs. */
  readonly scope: ApiScope;
  readonly method: 'get' | 'post' | 'put';
  /** OpenAPI path (`{code}`). */
  readonly path: string;
  readonly summary: string;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  readonly headers?: readonly { name: string; description: string }[];
  readonly success: { readonly status: number; readonly schema: z.ZodType; readonly description: string };
  /** Error statuses this operation can answer besides 401, 403, 429 and 500. */
  readonly errors: readonly number[];
}

export const API_OPERATIONS: readonly ApiOperation[] = [
  {
    operationId: 'createTenant',
    scope: OPERATION_SCOPES.createTenant,
    method: 'post',
    path: '/api/tenants',
    summary: 'Create a tenant (its own database and role); the credentials are shown once',
    body: createTenantBodySchema,
    headers: [{ name: 'Idempotency-Key', description: 'the same key returns the same tenant, never a second one (1–255 characters)' }],
    success: { status: 201, schema: createTenantResponseSchema, description: 'created (200 with idempotent_replay: true when the Idempotency-Key was seen)' },
    errors: [400, 409, 422],
  },
  {
    operationId: 'listTenants',
    scope: OPERATION_SCOPES.listTenants,
    method: 'get',
    path: '/api/tenants',
    summary: 'List tenants, newest first, with counts from the latest usage collection',
    query: listTenantsQuerySchema,
    success: { status: 200, schema: listTenantsResponseSchema, description: 'a page of tenants' },
    errors: [400],
  },
  {
    operationId: 'getTenant',
    scope: OPERATION_SCOPES.getTenant,
    method: 'get',
    path: '/api/tenants/{code}',
    summary: 'One tenant',
    params: tenantPathSchema,
    success: { status: 200, schema: apiTenantSchema, description: 'the tenant' },
    errors: [400, 404],
  },
  {
    operationId: 'tenantUsage',
    scope: OPERATION_SCOPES.tenantUsage,
    method: 'get',
    path: '/api/tenants/{code}/usage',
    summary: "A tenant's usage against its limits, and its daily history",
    params: tenantPathSchema,
    query: usageQuerySchema,
    success: { status: 200, schema: apiUsageSchema, description: 'usage' },
    errors: [400, 404],
  },
  {
    operationId: 'checkLimit',
    scope: OPERATION_SCOPES.checkLimit,
    method: 'post',
    path: '/api/tenants/{code}/check-limit',
    summary: 'May the tenant create one more? Answered by its own database (platform.check_limit)',
    params: tenantPathSchema,
    body: checkLimitBodySchema,
    success: { status: 200, schema: checkLimitResponseSchema, description: 'the answer' },
    errors: [400, 404, 422],
  },
  {
    operationId: 'changeStatus',
    scope: OPERATION_SCOPES.changeStatus,
    method: 'put',
    path: '/api/tenants/{code}/status',
    summary: 'Suspend, reactivate or cancel (suspend and cancel back up first, as the console does)',
    params: tenantPathSchema,
    body: statusBodySchema,
    success: { status: 200, schema: statusResponseSchema, description: 'the tenant after the change' },
    errors: [400, 404, 409, 422],
  },
  {
    operationId: 'rotateCredentials',
    scope: OPERATION_SCOPES.rotateCredentials,
    method: 'post',
    path: '/api/tenants/{code}/credentials/rotate',
    summary: "A new password for the tenant's role, shown once; its open sessions are ended",
    params: tenantPathSchema,
    success: { status: 200, schema: rotateResponseSchema, description: 'the new credentials' },
    errors: [400, 404, 409],
  },
  {
    operationId: 'resolve',
    scope: OPERATION_SCOPES.resolve,
    method: 'get',
    path: '/api/resolve',
    summary: "Which tenant a host name (or code) is, its status and connection coordinates (never a password): the ERP's router",
    query: resolveQuerySchema,
    success: { status: 200, schema: resolveResponseSchema, description: 'the tenant' },
    errors: [400, 404],
  },
];

const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'the request is not what the API accepts (JSON shape, types, unknown fields)',
  401: 'no key, or an unknown, expired or revoked key',
  403: "the key lacks the operation's scope, or the operator serving the API may not do this",
  404: 'no such tenant',
  409: 'conflicts with the current state (a stale expected_version, a taken subdomain, a request with this Idempotency-Key still running)',
  422: 'well-formed but refused (a reserved subdomain, an unknown plan, an Idempotency-Key reused with another body)',
  429: 'too many requests for this key: see Retry-After',
  500: 'an unexpected error (details in the console log, never in the answer)',
};

type JsonObject = Record<string, unknown>;

/** A zod schema as an OpenAPI 3.1 schema (JSON Schema 2020-12), its named parts moved into components. */
function toSchema(schema: z.ZodType, io: 'input' | 'output', components: JsonObject): JsonObject {
  const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonObject;
  const rewritten = JSON.parse(JSON.stringify(generated).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonObject;
  const { $schema: _schema, $defs, ...rest } = rewritten as JsonObject & { $defs?: JsonObject };
  for (const [name, definition] of Object.entries($defs ?? {})) components[name] = definition;
  return rest;
}

function parametersOf(schema: z.ZodType, where: 'path' | 'query', components: JsonObject): JsonObject[] {
  const json = toSchema(schema, 'input', components) as { properties?: Record<string, JsonObject>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property as JsonObject & { description?: string };
    return { name, in: where, required: where === 'path' || (json.required ?? []).includes(name), ...(description ? { description } : {}), schema: rest };
  });
}

/** The OpenAPI 3.1 document, generated from the same zod schemas the server validates with. */
export function buildOpenApiDocument(options: { version: string; serverUrl?: string; extraOperations?: readonly ApiOperation[] }): JsonObject {
  const components: JsonObject = {};
  const paths: Record<string, JsonObject> = {};
  const errorRef = { $ref: '#/components/schemas/Error' };
  toSchema(errorBodySchema, 'output', components);
  for (const operation of [...API_OPERATIONS, ...(options.extraOperations ?? [])]) {
    const parameters = [
      ...(operation.params ? parametersOf(operation.params, 'path', components) : []),
      ...(operation.query ? parametersOf(operation.query, 'query', components) : []),
      ...(operation.headers ?? []).map((header) => ({ name: header.name, in: 'header', required: false, description: header.description, schema: { type: 'string', minLength: 1, maxLength: 255 } })),
    ];
    const responses: JsonObject = {
      [String(operation.success.status)]: { description: operation.success.description, content: { 'application/json': { schema: toSchema(operation.success.schema, 'output', components) } } },
    };
    if (operation.operationId === 'createTenant') {
      responses['200'] = { description: 'an idempotent replay: the tenant the Idempotency-Key created (password null)', content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateTenantResponse' } } } };
    }
    for (const status of [...new Set([...operation.errors, 401, 403, 429, 500])].sort()) {
      responses[String(status)] = {
        description: ERROR_DESCRIPTIONS[status] ?? 'error',
        ...(status === 429 ? { headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } } } } : {}),
        content: { 'application/json': { schema: errorRef } },
      };
    }
    paths[operation.path] ??= {};
    paths[operation.path]![operation.method] = {
      operationId: operation.operationId,
      summary: operation.summary,
      description: `Scope: \`${operation.scope}\`.`,
      security: [{ apiKey: [] }],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(operation.body ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(operation.body, 'input', components) } } } } : {}),
      responses,
    };
  }
  paths['/api/openapi.json'] = {
    get: {
      operationId: 'openApiDocument',
      summary: 'This document (no key needed)',
      security: [],
      responses: { '200': { description: 'the OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } } },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tenant Console — tenant API',
      version: options.version,
      description: 'Create and manage tenants, check their limits and resolve them from the ERP. See docs/api.md.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    paths,
    components: {
      schemas: components,
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'an API key: Authorization: Bearer tck_…' } },
    },
  };
}
