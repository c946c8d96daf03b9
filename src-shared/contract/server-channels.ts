import { z } from 'zod';
import type { ChannelGroup } from './channel-definition';

const empty = z.object({}).strict();

/** One tenant's sessions on its server, against its role's CONNECTION LIMIT. */
const tenantConnectionsSchema = z.object({
  tenantCode: z.string(),
  used: z.number().int(),
  /** The role's CONNECTION LIMIT as the server has it (-1: unlimited). */
  limit: z.number().int(),
});

/** Connections on one PostgreSQL server tenants live on, as the server reports them. */
export const serverConnectionsSchema = z.object({
  serverId: z.string(),
  name: z.string(),
  kind: z.enum(['embedded', 'external']),
  /** Client sessions open now (every database, every role). */
  used: z.number().int(),
  maxConnections: z.number().int(),
  /** Of those, the console's own (its admin role's). */
  usedByConsole: z.number().int(),
  /** Of those, the console's tenants' roles'. */
  usedByTenants: z.number().int(),
  /**
   * Slots no tenant can take that the console's role may use: superuser_reserved_connections
   * (when it is a superuser) plus reserved_connections (PostgreSQL 16+, superuser or member of
   * pg_use_reserved_connections).
   */
  reservedForConsole: z.number().int(),
  /** The sum of the tenants' connection limits on this server (may exceed what is free: limits are caps, not reservations). */
  tenantLimitSum: z.number().int(),
  /** The tenants holding the most sessions (up to 10, busiest first). */
  topTenants: z.array(tenantConnectionsSchema),
  /** Something the operator should act on (e.g. no slot reserved for the console), or null. */
  warning: z.string().nullable(),
});
export type ServerConnections = z.infer<typeof serverConnectionsSchema>;

/** The PostgreSQL servers tenants live on. */
export const serverChannels = {
  'servers:connections': { input: empty, output: z.array(serverConnectionsSchema), mutates: false },
} as const satisfies ChannelGroup;
