import type { ChannelOutput, ChannelParsedInput } from '../../src-shared/contract/channels';
import type { TenantDetail, TenantOperation, TenantSortField } from '../../src-shared/contract/models';
import type { SnapshotLimits, SnapshotMark, SnapshotReview, UsageSnapshotRow } from '../../src-shared/contract/offline-models';
import { TENANT_CODE_PATTERN } from '../../src-shared/domain/tenant-fields';
import type Database from 'better-sqlite3';
import type { SqliteDatabase } from '../cache/open-cache';
import { AppError } from '../base/app-error';
import { foldForSearch } from '../../src-shared/domain/search-fold';
import { tenantSearchParams, tenantSearchSql, type TenantSearchRow } from '../search/tenant-search-sql';
import { parseSnapshotFile, SNAPSHOT_FORMAT, SNAPSHOT_FORMAT_VERSION, snapshotFileName, type SnapshotFile } from './snapshot-file';

/** 'live': this console's own snapshot; 'imported': another machine's file under review. */
export type SnapshotSetName = 'live' | 'imported';

/** Usage days kept in the live snapshot (the issue asks for at least 90). */
export const USAGE_SNAPSHOT_DAYS = 120;

interface SetRow {
  name: SnapshotSetName;
  source_console: string;
  console_label: string;
  tenants_at: string | null;
  usage_at: string | null;
  imported_at: string | null;
  file_name: string | null;
}

export interface SnapshotIdentity {
  readonly consoleId: string;
  /** The machine's name: how another operator recognises whose snapshot it is. */
  readonly consoleLabel: string;
}

// Sort keys map to fixed SQL, as in the platform query: the caller's choice is never spliced.
const SORT_SQL: Readonly<Record<TenantSortField, string>> = {
  companyName: 'lower(company_name)',
  subdomain: 'subdomain',
  plan: 'plan_code',
  status: 'status',
  createdAt: 'created_at',
  tenantCode: 'tenant_code',
};

/** A read's last online answer, kept for offline review (see snapshot-channels.ts). */
interface SnapshotResponse {
  readonly channel: string;
  readonly inputKey: string;
  readonly output: unknown;
  readonly savedAt: string;
}

interface UsageDbRow {
  tenant_code: string;
  day: string;
  metrics: string;
  figures: string | null;
}

function toUsageSnapshotRow(row: UsageDbRow): UsageSnapshotRow {
  const base: UsageSnapshotRow = { tenantCode: row.tenant_code, day: row.day, metrics: JSON.parse(row.metrics) as Record<string, number> };
  if (row.figures === null) return base;
  const { figures, monthStart } = JSON.parse(row.figures) as Pick<UsageSnapshotRow, 'figures' | 'monthStart'>;
  return { ...base, figures, monthStart };
}

const escapeLike = (text: string) => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

type TenantList = ChannelOutput<'tenants:list'>;
type TenantGet = ChannelOutput<'tenants:get'>;

/**
 * The snapshots in the local cache: written while online, read while offline or under
 * review. Every read answers like its platform twin (same filters, same sort, same shape)
 * plus a `snapshot` mark saying how old the answer is.
 */
export class SnapshotStore {
  readonly #db: SqliteDatabase;
  readonly #identity: SnapshotIdentity;

  constructor(db: SqliteDatabase, identity: SnapshotIdentity) {
    this.#db = db;
    this.#identity = identity;
    // The console search's fold (SQLite has no translate()): the same function the renderer uses.
    db.function('search_fold', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? foldForSearch(value) : value));
  }

  // Prepared once: review() asks before every channel call (offline-review.ts's gate).
  #setStatement: Database.Statement<unknown[], SetRow> | null = null;

  #set(name: SnapshotSetName): SetRow | null {
    this.#setStatement ??= this.#db.prepare<unknown[], SetRow>('SELECT * FROM snapshot_sets WHERE name = ?');
    return (this.#setStatement.get(name) as SetRow | undefined) ?? null;
  }

  #ensureLive(): void {
    this.#db
      .prepare('INSERT INTO snapshot_sets (name, source_console, console_label) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING')
      .run('live', this.#identity.consoleId, this.#identity.consoleLabel);
  }

  /** When this console last saved its tenants in full (null: never). */
  liveTenantsAt(): string | null {
    return this.#set('live')?.tenants_at ?? null;
  }

  review(): SnapshotReview | null {
    const set = this.#set('imported');
    if (!set) return null;
    return {
      sourceConsole: set.source_console,
      consoleLabel: set.console_label,
      takenAt: set.tenants_at ?? set.imported_at ?? '',
      importedAt: set.imported_at ?? '',
      fileName: set.file_name,
    };
  }

  /** Replaces the live tenants with the registry as read at `takenAt` (one transaction). */
  saveTenants(tenants: readonly TenantDetail[], takenAt: string): void {
    this.#db.transaction(() => {
      this.#ensureLive();
      this.#db.prepare("DELETE FROM snapshot_tenants WHERE set_name = 'live'").run();
      this.#insertTenants('live', tenants, takenAt);
      this.#db.prepare("UPDATE snapshot_sets SET tenants_at = ? WHERE name = 'live'").run(takenAt);
    }).immediate();
  }

  /** One tenant read (or changed) after the last full save; ignored before the first full save. */
  upsertTenant(tenant: TenantDetail, savedAt: string): void {
    if (!this.liveTenantsAt()) return;
    this.#insertTenants('live', [tenant], savedAt);
  }

  saveOperations(tenantCode: string, operations: readonly TenantOperation[], savedAt: string): void {
    this.#ensureLive();
    this.#db
      .prepare(
        `INSERT INTO snapshot_operations (set_name, tenant_code, operations, saved_at) VALUES ('live', ?, ?, ?)
         ON CONFLICT (set_name, tenant_code) DO UPDATE SET operations = excluded.operations, saved_at = excluded.saved_at`,
      )
      .run(tenantCode, JSON.stringify(operations), savedAt);
  }

  /**
   * Keeps collected usage for offline review: upserts the rows (tenant, day) and drops days
   * older than USAGE_SNAPSHOT_DAYS. The usage collector calls this after each collection.
   */
  saveUsageSnapshot(rows: readonly UsageSnapshotRow[], savedAt = new Date().toISOString()): void {
    const cutoff = new Date(Date.parse(savedAt) - USAGE_SNAPSHOT_DAYS * 86_400_000).toISOString().slice(0, 10);
    this.#db.transaction(() => {
      this.#ensureLive();
      this.#insertUsage('live', rows, savedAt);
      this.#db.prepare("DELETE FROM snapshot_usage WHERE set_name = 'live' AND day < ?").run(cutoff);
      this.#db.prepare("UPDATE snapshot_sets SET usage_at = ? WHERE name = 'live'").run(savedAt);
    }).immediate();
  }

  #insertTenants(set: SnapshotSetName, tenants: readonly TenantDetail[], savedAt: string): void {
    const insert = this.#db.prepare(
      `INSERT INTO snapshot_tenants (set_name, tenant_code, id, company_name, subdomain, admin_email, plan_code, status, created_at, saved_at, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (set_name, tenant_code) DO UPDATE SET id = excluded.id, company_name = excluded.company_name,
         subdomain = excluded.subdomain, admin_email = excluded.admin_email, plan_code = excluded.plan_code,
         status = excluded.status, created_at = excluded.created_at, saved_at = excluded.saved_at, detail = excluded.detail`,
    );
    for (const t of tenants) {
      insert.run(set, t.tenantCode, t.id, t.companyName, t.subdomain, t.adminEmail, t.plan, t.status, t.createdAt, savedAt, JSON.stringify(t));
    }
  }

  #insertUsage(set: SnapshotSetName, rows: readonly UsageSnapshotRow[], savedAt: string): void {
    const insert = this.#db.prepare(
      `INSERT INTO snapshot_usage (set_name, tenant_code, day, metrics, figures, saved_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (set_name, tenant_code, day) DO UPDATE SET metrics = excluded.metrics, figures = excluded.figures, saved_at = excluded.saved_at`,
    );
    for (const row of rows) {
      const figures = row.figures ? JSON.stringify({ figures: row.figures, monthStart: row.monthStart ?? null }) : null;
      insert.run(set, row.tenantCode, row.day, JSON.stringify(row.metrics), figures, savedAt);
    }
  }

  /** Each tenant's effective limits as last read online (after a collection, or a tenant's usage read). */
  saveLimits(limits: Readonly<Record<string, SnapshotLimits>>, savedAt = new Date().toISOString()): void {
    this.#db.transaction(() => {
      this.#ensureLive();
      this.#insertLimits('live', limits, savedAt);
    }).immediate();
  }

  #insertLimits(set: SnapshotSetName, limits: Readonly<Record<string, SnapshotLimits>>, savedAt: string): void {
    const insert = this.#db.prepare(
      `INSERT INTO snapshot_limits (set_name, tenant_code, limits, saved_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (set_name, tenant_code) DO UPDATE SET limits = excluded.limits, saved_at = excluded.saved_at`,
    );
    for (const [code, value] of Object.entries(limits)) insert.run(set, code, JSON.stringify(value), savedAt);
  }

  limitsOf(set: SnapshotSetName, tenantCode: string): SnapshotLimits | null {
    const text = this.#db.prepare('SELECT limits FROM snapshot_limits WHERE set_name = ? AND tenant_code = ?').pluck().get(set, tenantCode) as string | undefined;
    return text ? (JSON.parse(text) as SnapshotLimits) : null;
  }

  /** Keeps a read's last online answer (channel + a key naming its input) for offline review. */
  saveResponse(channel: string, inputKey: string, output: unknown, savedAt = new Date().toISOString()): void {
    this.#ensureLive();
    this.#insertResponses('live', [{ channel, inputKey, output, savedAt }]);
  }

  #insertResponses(set: SnapshotSetName, responses: readonly SnapshotResponse[]): void {
    const insert = this.#db.prepare(
      `INSERT INTO snapshot_responses (set_name, channel, input_key, output, saved_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (set_name, channel, input_key) DO UPDATE SET output = excluded.output, saved_at = excluded.saved_at`,
    );
    for (const r of responses) insert.run(set, r.channel, r.inputKey, JSON.stringify(r.output), r.savedAt);
  }

  /** A kept answer with the mark saying how old it is; null when none was kept. */
  response<T>(set: SnapshotSetName, channel: string, inputKey: string): { output: T; snapshot: SnapshotMark } | null {
    const row = this.#db
      .prepare<unknown[], { output: string; saved_at: string }>('SELECT output, saved_at FROM snapshot_responses WHERE set_name = ? AND channel = ? AND input_key = ?')
      .get(set, channel, inputKey);
    if (!row) return null;
    const origin = this.#set(set);
    if (!origin) return null;
    return {
      output: JSON.parse(row.output) as T,
      snapshot: { asOf: row.saved_at, source: set, sourceConsole: origin.source_console, consoleLabel: origin.console_label },
    };
  }

  #responsesOf(set: SnapshotSetName): SnapshotResponse[] {
    return this.#db
      .prepare<unknown[], { channel: string; input_key: string; output: string; saved_at: string }>('SELECT channel, input_key, output, saved_at FROM snapshot_responses WHERE set_name = ? ORDER BY channel, input_key')
      .all(set)
      .map((row) => ({ channel: row.channel, inputKey: row.input_key, output: JSON.parse(row.output) as unknown, savedAt: row.saved_at }));
  }

  /** Every tenant's kept limits at once (the CSV needs them all). */
  limitsOfSet(set: SnapshotSetName): Record<string, SnapshotLimits> {
    const limits: Record<string, SnapshotLimits> = {};
    for (const row of this.#db.prepare<unknown[], { tenant_code: string; limits: string }>('SELECT tenant_code, limits FROM snapshot_limits WHERE set_name = ?').iterate(set)) {
      limits[row.tenant_code] = JSON.parse(row.limits) as SnapshotLimits;
    }
    return limits;
  }

  /** How old a snapshot's tenants or usage are; refused (DATABASE_UNAVAILABLE) when it has none. */
  mark(set: SnapshotSetName, what: 'tenants' | 'usage' = 'tenants'): SnapshotMark {
    const row = this.#set(set);
    const asOf = what === 'usage' ? row?.usage_at : row?.tenants_at;
    if (!row || !asOf) {
      throw new AppError(
        'DATABASE_UNAVAILABLE',
        set === 'live'
          ? `Offline — the platform database is not answering, and this console has no saved ${what} yet to show instead.`
          : `The snapshot under review holds no ${what}.`,
      );
    }
    return { asOf, source: set, sourceConsole: row.source_console, consoleLabel: row.console_label };
  }

  /** tenants:list from a snapshot: the same filters and sort as the platform query, in SQLite. */
  listTenants(set: SnapshotSetName, query: ChannelParsedInput<'tenants:list'>): TenantList {
    // The checklist is not in snapshots: rather no answer than an unfiltered list under the filter's name.
    if ((query.onboarding && query.onboarding.length > 0) || query.stalled !== undefined) {
      throw new AppError('DATABASE_UNAVAILABLE', 'The onboarding filter needs the platform database; snapshots do not keep the checklist. Clear it to browse the saved list.');
    }
    const snapshot = this.mark(set);
    const where = ['set_name = ?'];
    const params: unknown[] = [set];
    if (query.status && query.status.length > 0) {
      where.push(`status IN (${query.status.map(() => '?').join(', ')})`);
      params.push(...query.status);
    } else {
      where.push("status <> 'deleted'");
    }
    if (query.search && query.search.length > 0) {
      where.push("(company_name LIKE ? ESCAPE '\\' OR subdomain LIKE ? ESCAPE '\\' OR tenant_code LIKE ? ESCAPE '\\' OR admin_email LIKE ? ESCAPE '\\')");
      const pattern = escapeLike(query.search);
      params.push(pattern, pattern, pattern, pattern);
    }
    if (query.plan && query.plan.length > 0) {
      where.push(`plan_code IN (${query.plan.map(() => '?').join(', ')})`);
      params.push(...query.plan);
    }
    const direction = query.direction === 'asc' ? 'ASC' : 'DESC';
    const whereSql = where.join(' AND ');
    const total = this.#db.prepare(`SELECT count(*) FROM snapshot_tenants WHERE ${whereSql}`).pluck().get(...params) as number;
    const details = this.#db
      .prepare(`SELECT detail FROM snapshot_tenants WHERE ${whereSql} ORDER BY ${SORT_SQL[query.sort]} ${direction}, id ${direction} LIMIT ? OFFSET ?`)
      .pluck()
      .all(...params, query.limit, query.offset) as string[];
    const rows = details.map((text) => {
      const { id, tenantCode, companyName, subdomain, plan, status, createdAt, version } = JSON.parse(text) as TenantDetail;
      return { id, tenantCode, companyName, subdomain, plan, status, createdAt, version };
    });
    return { rows, total, snapshot };
  }

  /** Ctrl/⌘-K offline or under review: the snapshot's tenants, ranked as online (search/tenant-search-sql.ts). */
  searchTenants(set: SnapshotSetName, text: string, limit: number): { rows: TenantSearchRow[]; snapshot: SnapshotMark } {
    const snapshot = this.mark(set);
    const sql = tenantSearchSql('sqlite', 'snapshot_tenants', "set_name = @set AND status <> 'deleted'", (name) => `@${name}`);
    const rows = this.#db.prepare<unknown[], TenantSearchRow>(sql).all({ ...tenantSearchParams(text), limit, set });
    return { rows, snapshot };
  }

  #findTenant(set: SnapshotSetName, ref: string): { detail: string; saved_at: string } | null {
    const byCode = TENANT_CODE_PATTERN.test(ref.toUpperCase());
    const row = this.#db
      .prepare<unknown[], { detail: string; saved_at: string }>(
        `SELECT detail, saved_at FROM snapshot_tenants WHERE set_name = ? AND ${byCode ? 'tenant_code = upper(?)' : 'lower(subdomain) = lower(?)'}`,
      )
      .get(set, ref);
    return row ?? null;
  }

  /** Every saved tenant of a snapshot (deleted ones included, as the usage rows may name them). */
  tenantDetails(set: SnapshotSetName): TenantDetail[] {
    return (this.#db.prepare('SELECT detail FROM snapshot_tenants WHERE set_name = ? ORDER BY tenant_code').pluck().all(set) as string[]).map((text) => JSON.parse(text) as TenantDetail);
  }

  /** The code a reference names: itself when it is a code, else the saved tenant with that subdomain. */
  tenantCodeOf(set: SnapshotSetName, ref: string): string | null {
    if (TENANT_CODE_PATTERN.test(ref.toUpperCase())) return ref.toUpperCase();
    const row = this.#findTenant(set, ref);
    return row ? (JSON.parse(row.detail) as TenantDetail).tenantCode : null;
  }

  getTenant(set: SnapshotSetName, ref: string): TenantGet {
    const mark = this.mark(set);
    const row = this.#findTenant(set, ref);
    if (!row) throw new AppError('NOT_FOUND', `No tenant ${ref} in the ${set === 'live' ? 'saved' : 'imported'} snapshot.`);
    // A row refreshed on its own since the full save is newer than the set's time.
    const asOf = row.saved_at > mark.asOf ? row.saved_at : mark.asOf;
    return { ...(JSON.parse(row.detail) as TenantDetail), snapshot: { ...mark, asOf } };
  }

  listOperations(set: SnapshotSetName, ref: string, limit: number): TenantOperation[] {
    const { tenantCode } = this.getTenant(set, ref);
    const text = this.#db
      .prepare("SELECT operations FROM snapshot_operations WHERE set_name = ? AND tenant_code = ?")
      .pluck()
      .get(set, tenantCode) as string | undefined;
    return text ? (JSON.parse(text) as TenantOperation[]).slice(0, limit) : [];
  }

  /** Usage rows of a snapshot, for the usage views' offline readers. */
  usage(set: SnapshotSetName, filter: { tenantCode?: string; since?: string; until?: string } = {}): { rows: UsageSnapshotRow[]; snapshot: SnapshotMark } {
    const snapshot = this.mark(set, 'usage');
    const where = ['set_name = ?'];
    const params: unknown[] = [set];
    const add = (clause: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(clause);
      params.push(value);
    };
    add('tenant_code = ?', filter.tenantCode);
    add('day >= ?', filter.since);
    add('day <= ?', filter.until);
    const rows = this.#db
      .prepare<unknown[], UsageDbRow>(`SELECT tenant_code, day, metrics, figures FROM snapshot_usage WHERE ${where.join(' AND ')} ORDER BY day, tenant_code`)
      .all(...params)
      .map(toUsageSnapshotRow);
    return { rows, snapshot };
  }

  /** The newest day a snapshot has usage for (null: none). */
  latestUsageDay(set: SnapshotSetName): string | null {
    return (this.#db.prepare('SELECT max(day) FROM snapshot_usage WHERE set_name = ?').pluck().get(set) as string | null) ?? null;
  }

  /** The live snapshot as a file another machine can import. */
  exportLive(exportedAt = new Date().toISOString()): { file: SnapshotFile; fileName: string } {
    const set = this.#set('live');
    if (!set?.tenants_at) {
      throw new AppError('NOT_FOUND', 'There is no snapshot to export yet: the console saves one when it lists tenants online.');
    }
    const tenants = (this.#db.prepare("SELECT detail FROM snapshot_tenants WHERE set_name = 'live' ORDER BY tenant_code").pluck().all() as string[]).map(
      (text) => JSON.parse(text) as TenantDetail,
    );
    const operations: Record<string, TenantOperation[]> = {};
    for (const row of this.#db.prepare<unknown[], { tenant_code: string; operations: string }>("SELECT tenant_code, operations FROM snapshot_operations WHERE set_name = 'live'").iterate()) {
      operations[row.tenant_code] = JSON.parse(row.operations) as TenantOperation[];
    }
    const usage = this.#usageRowsOf('live');
    const file: SnapshotFile = {
      format: SNAPSHOT_FORMAT,
      formatVersion: SNAPSHOT_FORMAT_VERSION,
      sourceConsole: set.source_console,
      consoleLabel: set.console_label,
      tenantsAt: set.tenants_at,
      usageAt: set.usage_at,
      exportedAt,
      tenants,
      operations,
      usage,
      limits: this.limitsOfSet('live'),
      responses: this.#responsesOf('live'),
    };
    return { file, fileName: snapshotFileName(set.console_label, set.tenants_at) };
  }

  #usageRowsOf(set: SnapshotSetName): UsageSnapshotRow[] {
    return this.#db.prepare<unknown[], UsageDbRow>('SELECT tenant_code, day, metrics, figures FROM snapshot_usage WHERE set_name = ? ORDER BY day, tenant_code').all(set).map(toUsageSnapshotRow);
  }

  /** Replaces the snapshot under review with the file's content (validated first; one transaction). */
  importFile(content: string, fileName: string | null, importedAt = new Date().toISOString()): { review: SnapshotReview; tenantCount: number; usageRowCount: number } {
    const file = parseSnapshotFile(content);
    this.#db.transaction(() => {
      this.#db.prepare("DELETE FROM snapshot_sets WHERE name = 'imported'").run();
      this.#db
        .prepare("INSERT INTO snapshot_sets (name, source_console, console_label, tenants_at, usage_at, imported_at, file_name) VALUES ('imported', ?, ?, ?, ?, ?, ?)")
        .run(file.sourceConsole, file.consoleLabel, file.tenantsAt, file.usageAt, importedAt, fileName);
      this.#insertTenants('imported', file.tenants, file.tenantsAt);
      const insertOps = this.#db.prepare("INSERT INTO snapshot_operations (set_name, tenant_code, operations, saved_at) VALUES ('imported', ?, ?, ?)");
      for (const [code, operations] of Object.entries(file.operations)) insertOps.run(code, JSON.stringify(operations), file.tenantsAt);
      this.#insertUsage('imported', file.usage, file.usageAt ?? file.tenantsAt);
      this.#insertLimits('imported', file.limits ?? {}, file.usageAt ?? file.tenantsAt);
      this.#insertResponses('imported', file.responses ?? []);
    }).immediate();
    return { review: this.review()!, tenantCount: file.tenants.length, usageRowCount: file.usage.length };
  }

  /** Ends the review: the imported snapshot is dropped and the console shows its own data again. */
  closeReview(): void {
    this.#db.prepare("DELETE FROM snapshot_sets WHERE name = 'imported'").run();
  }
}
