import { z } from 'zod';
import type { ChannelGroup } from './channel-definition';

/**
 * What an API key may do on the tenant API (docs/api.md). A key never widens what the
 * operator serving the API may do: PostgreSQL's grants apply to that operator first, the
 * key's scopes restrict further.
 */
export const API_SCOPES = ['tenants:read', 'tenants:write', 'tenants:status', 'limits:read', 'signup'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** An API key's name: it appears in the audit log as `api-key:<name>`. */
export const apiKeyNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'An API key name starts with a letter and holds only letters, digits, _ and - (at most 63).');

export const apiScopeSchema = z.enum(API_SCOPES, { error: `A scope is one of ${API_SCOPES.join(', ')}.` });

const isoTime = z.string();

export const apiKeySchema = z.object({
  name: z.string(),
  scopes: z.array(apiScopeSchema),
  /** The first characters of the key (`tck_AbCd…`): enough to tell keys apart, never enough to use one. */
  prefix: z.string(),
  createdBy: z.string().nullable(),
  createdAt: isoTime,
  expiresAt: isoTime.nullable(),
  lastUsedAt: isoTime.nullable(),
  revokedAt: isoTime.nullable(),
  revokedBy: z.string().nullable(),
});
export type ApiKeyInfo = z.infer<typeof apiKeySchema>;

/** A new key with its secret, shown once: only its SHA-256 is stored. */
export const apiKeyWithSecretSchema = apiKeySchema.extend({ key: z.string() });

export const apiServerStatusSchema = z.object({
  running: z.boolean(),
  /** http(s)://host:port of the running server, null when stopped. */
  url: z.string().nullable(),
  /** Who the server acts as (the operator that started it). */
  operator: z.string().nullable(),
});
export type ApiServerStatus = z.infer<typeof apiServerStatusSchema>;

const empty = z.object({}).strict();

export const apiKeyChannels = {
  'apiKeys:list': { input: empty, output: z.array(apiKeySchema), mutates: false },
  'apiKeys:create': {
    input: z
      .object({
        name: apiKeyNameSchema,
        scopes: z.array(apiScopeSchema).min(1, 'Give the key at least one scope.').max(API_SCOPES.length),
        /** ISO time; absent = never expires. */
        expiresAt: z.iso.datetime({ offset: true, error: 'The expiry is an ISO time such as 2027-01-31T00:00:00Z.' }).optional(),
      })
      .strict(),
    output: apiKeyWithSecretSchema,
    mutates: true,
  },
  'apiKeys:revoke': { input: z.object({ name: apiKeyNameSchema }).strict(), output: apiKeySchema, mutates: true },

  /** The tenant API server of this console (Settings → Tenant API). */
  'api:status': { input: empty, output: apiServerStatusSchema, mutates: false },
  'api:start': {
    input: z
      .object({
        /** host:port; loopback only from the console (TLS needs `tenantctl api serve --tls-cert`). */
        listen: z.string().trim().max(100).default('127.0.0.1:8787'),
      })
      .strict(),
    output: apiServerStatusSchema,
    mutates: true,
  },
  'api:stop': { input: empty, output: apiServerStatusSchema, mutates: true },
} as const satisfies ChannelGroup;
