import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Plan } from '../../src-shared/contract/models';
import { LIMIT_RESOURCES } from '../../src-shared/contract/plan-models';
import { LOCK_NAMESPACE, LOCK_TEMPLATE_BUILD } from '../base/advisory-locks';
import type { LimitsSpec } from '../limits/limits-spec';
import { pushLimits } from '../limits/push-limits';
import { quoteIdent } from '../postgres/identifiers';
import { withClient } from '../postgres/pools';
import type { ServerEndpoint } from '../postgres/server-endpoint';
import { grantGroupPrivileges } from '../tenant-schema/privileges';

/**
 * Plan templates: one template database per (schema template, plan version's limits,
 * warning threshold), cloned from the schema template and finished the way provisioning
 * used to finish every tenant — the group role's grants and the plan's limits written in.
 * A tenant cloned from one needs nothing inside its database afterwards, so provisioning
 * never connects to it. A plan template is built in the background the first time it is
 * asked for; until it is ready, provisioning takes the long way (schema template, then
 * grants and limits over a connection).
 */

/**
 * What a plan template holds besides the schema: a plan version's limits, no overrides (a
 * new tenant has none), and no connection limit (a role attribute, not database content:
 * provisioning sets it when it creates the role).
 */
export type PlanTemplateSpec = Omit<LimitsSpec, 'overrides' | 'connections'>;

/** The template spec of a plan version under the current warning threshold. */
export function planTemplateSpec(plan: Pick<Plan, 'code' | 'version' | 'limits'>, warningPercent: number): PlanTemplateSpec {
  const { companies, usersPerCompany: users, transactionsPerMonth: transactions } = plan.limits;
  return { planCode: plan.code, planVersion: plan.version, planLimits: { companies, users, transactions }, warningPercent };
}

/** `<schema template>_p<hash>`: a new schema, plan version, limit or threshold is a new name, never a stale template. */
export function planTemplateName(schemaTemplate: string, spec: PlanTemplateSpec): string {
  const content = JSON.stringify([spec.planCode, spec.planVersion, LIMIT_RESOURCES.map((resource) => spec.planLimits[resource]), spec.warningPercent]);
  return `${schemaTemplate}_p${createHash('sha256').update(content).digest('hex').slice(0, 10)}`;
}

interface TemplateServer {
  readonly endpoint: ServerEndpoint;
  readonly adminPool: pg.Pool;
  /** The schema template the plan templates are cloned from. */
  readonly templateDatabase: string;
}

/** The plan templates already on a server for its schema template (read once, when the platform opens). */
export async function existingPlanTemplates(admin: Pick<pg.ClientBase, 'query'>, schemaTemplate: string): Promise<string[]> {
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datistemplate AND starts_with(datname, $1) AND datname ~ '_p[0-9a-f]{10}$'`,
    [`${schemaTemplate}_p`],
  );
  return rows.map((row) => row.datname);
}

/**
 * Builds one plan template, like the schema template (template.ts): under the cluster-wide
 * template lock, as `<name>_building`, marked a template that accepts no connections, then
 * renamed — a plan template under its final name is always complete, and CREATE DATABASE …
 * TEMPLATE never finds it busy. Does nothing when it exists.
 */
async function buildPlanTemplate(server: TemplateServer, name: string, spec: PlanTemplateSpec): Promise<void> {
  const admin = await server.adminPool.connect();
  try {
    await admin.query('SELECT pg_advisory_lock($1, $2)', [LOCK_NAMESPACE, LOCK_TEMPLATE_BUILD]);
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate', [name]);
      if (rowCount === 1) return;
      const building = quoteIdent(`${name}_building`);
      await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${building} TEMPLATE ${quoteIdent(server.templateDatabase)}`);
      await withClient(server.endpoint, `${name}_building`, async (client) => {
        await grantGroupPrivileges(client);
        await pushLimits(client, { ...spec, overrides: [] });
      });
      await admin.query(`REVOKE ALL ON DATABASE ${building} FROM PUBLIC`);
      await admin.query(`ALTER DATABASE ${building} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
      await admin.query(`ALTER DATABASE ${building} RENAME TO ${quoteIdent(name)}`);
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, LOCK_TEMPLATE_BUILD]).catch(() => undefined);
    }
  } finally {
    admin.release();
  }
}

/** A server's plan templates as this console knows them: which are ready, which are being built. */
export class PlanTemplates {
  readonly #ready: Set<string>;
  readonly #builds = new Map<string, Promise<string>>();
  #closed = false;

  constructor(
    private readonly server: TemplateServer,
    private readonly logger: Logger,
    existing: Iterable<string> = [],
  ) {
    this.#ready = new Set(existing);
  }

  nameFor(spec: PlanTemplateSpec): string {
    return planTemplateName(this.server.templateDatabase, spec);
  }

  /**
   * The plan template for `spec` when it is ready (no round trip: this console built it or
   * found it when the platform opened); otherwise null — and it is built in the background,
   * for the next tenant on this plan version.
   */
  readyFor(spec: PlanTemplateSpec): string | null {
    const name = this.nameFor(spec);
    if (this.#ready.has(name)) return name;
    this.prepareInBackground(spec);
    return null;
  }

  /** Starts building the plan template for `spec` unless it is ready (a new plan version, say); a failure is only logged. */
  prepareInBackground(spec: PlanTemplateSpec): void {
    if (this.#closed || this.#ready.has(this.nameFor(spec))) return;
    this.prepare(spec).catch((error: unknown) =>
      this.logger.warn({ err: error, template: this.nameFor(spec) }, 'building a plan template failed; provisioning keeps the long way'),
    );
  }

  /** Builds the plan template for `spec` unless it is ready or being built; resolves to its name when it is ready. */
  prepare(spec: PlanTemplateSpec): Promise<string> {
    const name = this.nameFor(spec);
    if (this.#ready.has(name)) return Promise.resolve(name);
    let build = this.#builds.get(name);
    if (!build) {
      build = buildPlanTemplate(this.server, name, spec)
        .then(() => {
          this.#ready.add(name);
          return name;
        })
        .finally(() => this.#builds.delete(name));
      this.#builds.set(name, build);
    }
    return build;
  }

  /** A template found missing when cloning (someone dropped it): built again when next asked for. */
  forget(name: string): void {
    this.#ready.delete(name);
  }

  /** Starts no more builds and waits for those under way: called before the pools close. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#builds.values()]);
  }
}
