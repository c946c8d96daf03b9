import type pg from 'pg';
import type { Logger } from 'pino';
import type { EventBus } from '../base/event-bus';
import type { ServerEndpoint } from '../postgres/server-endpoint';
import type { PlanTemplates } from './plan-templates';
import type { SparePool } from './spare-pool';
import type { Interruption } from '../base/interruption';

/** One PostgreSQL server tenants live on, with the console's admin pool for it. */
export interface TenantServer {
  readonly id: string;
  readonly endpoint: ServerEndpoint;
  /** Admin connections to the server's maintenance database (CREATE DATABASE / ROLE …). */
  readonly adminPool: pg.Pool;
  /** The prepared template database on this server. */
  readonly templateDatabase: string;
  /** The plan templates cloned from it (absent on the offline stand-in, which provisions nothing). */
  readonly planTemplates?: PlanTemplates;
  /** The platform's spare tenant databases on this server, cloned from the plan templates ahead of time (absent offline too). */
  readonly spares?: SparePool;
}

/** Everything a capability needs from the core: passed explicitly, never global. */
export interface PlatformContext {
  readonly platformDatabase: string;
  /**
   * Pool on the platform database: in a call's context, the signed-in operator's own
   * connection (its grants apply); in the core's, the console's.
   */
  readonly pool: pg.Pool;
  /**
   * The console's own connection on the platform database (the role that owns it), for the
   * steps no operator role may run (CREATE ROLE with its journal step, catalog reads):
   * used only by channels whose caller PostgreSQL has already confirmed (operators/privileged-channels.ts).
   */
  readonly ownerPool: pg.Pool;
  readonly primary: TenantServer;
  readonly logger: Logger;
  readonly events: EventBus;
  /** Who acts: the PostgreSQL user plus the OS user, recorded in the journal. */
  readonly operator: string;
  /** Set when the process is told to stop: journaled operations check it at every step. */
  readonly interruption?: Interruption;
  serverById(id: string): TenantServer;
}
