import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli';

/**
 * Each platform table has one owning module (a folder of src-main) that writes it; other
 * modules call its functions, never its SQL. A table the platform migrations create without
 * an owner here fails, and so does a write (INSERT INTO / UPDATE / DELETE FROM / TRUNCATE) to
 * a platform table outside its owner.
 */
const OWNERS: Readonly<Record<string, string>> = {
  servers: 'src-main/platform/',
  plans: 'src-main/plans/',
  tenants: 'src-main/tenants/',
  operations: 'src-main/operations/',
  settings: 'src-main/settings/',
  tenant_limit_overrides: 'src-main/plans/',
  tenant_plan_history: 'src-main/plans/',
  usage_runs: 'src-main/usage/',
  tenant_usage: 'src-main/usage/',
  usage_daily: 'src-main/usage/',
  audit_events: 'src-main/audit/',
  operators: 'src-main/operators/',
  backups: 'src-main/backup/',
  tenant_billing: 'src-main/billing/',
  invoice_sequences: 'src-main/billing/',
  invoices: 'src-main/billing/',
  invoice_lines: 'src-main/billing/',
  invoice_payments: 'src-main/billing/',
  plan_move_schedules: 'src-main/billing/price-changes/',
  plan_move_schedule_tenants: 'src-main/billing/price-changes/',
  billing_pending_items: 'src-main/billing/',
  stripe_prices: 'src-main/billing/',
  stripe_events: 'src-main/billing/',
  stripe_sync_state: 'src-main/billing/',
  billing_notices: 'src-main/billing/',
  billing_job_runs: 'src-main/billing/',
  tenant_role_fingerprints: 'src-main/tenants/',
  api_keys: 'src-main/api-keys/',
  api_idempotency_keys: 'src-main/tenant-api/',
  signups: 'src-main/signups/',
  signup_attempts: 'src-main/signups/',
  tenant_onboarding: 'src-main/signups/',
};

/**
 * Writes outside the owner, each with its reason. Provisioning registers the tenant, its
 * billing row and the journal entry in one statement (atomic, one round trip: the
 * provisioning-speed budget), and activates the tenant and finishes the journal in another.
 */
const EXCEPTIONS: readonly { file: string; table: string }[] = [
  { file: 'src-main/tenants/provision.ts', table: 'operations' },
  { file: 'src-main/tenants/provision.ts', table: 'tenant_billing' },
];

// Upper case only (SQL in this code base is upper case; "Update the ..." in a comment is not a write).
// Not a write: ON CONFLICT ... DO UPDATE, SELECT ... FOR UPDATE / FOR NO KEY UPDATE.
const WRITE = /\b(INSERT\s+INTO|(?<!\b(?:DO|FOR|KEY)\s+)UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+(?:ONLY\s+)?("?[A-Za-z_][\w.]*"?)/g;

function platformTables(): string[] {
  const folder = join(REPO_ROOT, 'src-main/platform/migrations');
  return readdirSync(folder)
    .flatMap((name) => [...readFileSync(join(folder, name), 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?(\w+)/g)].map((m) => m[1]!))
    .filter((table, index, all) => all.indexOf(table) === index);
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every write to a platform table in src-main outside the migrations: file and table. */
function platformWrites(tables: ReadonlySet<string>): { file: string; table: string }[] {
  return sourceFiles(join(REPO_ROOT, 'src-main'))
    .map((path) => relative(REPO_ROOT, path))
    .filter((file) => !file.startsWith('src-main/platform/migrations/'))
    .flatMap((file) =>
      [...readFileSync(join(REPO_ROOT, file), 'utf8').matchAll(WRITE)]
        .map((m) => m[2]!.replace(/"/g, ''))
        .filter((table) => tables.has(table))
        .map((table) => ({ file, table })),
    );
}

describe('platform table owners', () => {
  const tables = platformTables();

  it('finds the platform tables and names an owner for each', () => {
    expect(tables).toContain('tenants');
    expect(tables).toContain('operations');
    expect(tables.filter((table) => !(table in OWNERS))).toEqual([]);
    expect(Object.keys(OWNERS).filter((table) => !tables.includes(table))).toEqual([]);
  });

  it('sees writes in every shape the code uses', () => {
    const sample = [
      'INSERT INTO tenants (a) VALUES (1)',
      'UPDATE tenants SET a = 1',
      'DELETE FROM tenants WHERE id = $1',
      'WITH t AS (\n  UPDATE\n    tenants SET a = 1)',
      'ON CONFLICT (key) DO UPDATE SET value = 1',
      'SELECT 1 FROM tenants FOR UPDATE OF tenants',
      'SELECT 1 FROM tenants FOR NO KEY UPDATE',
      'Update the tenants',
    ].join(';\n');
    expect([...sample.matchAll(WRITE)].map((m) => m[1]!.split(/\s+/)[0])).toEqual(['INSERT', 'UPDATE', 'DELETE', 'UPDATE']);
  });

  it('writes each platform table only from its owner', () => {
    const writes = platformWrites(new Set(tables));
    expect(writes.length).toBeGreaterThan(30);
    const isException = (w: { file: string; table: string }) => EXCEPTIONS.some((e) => e.file === w.file && e.table === w.table);
    const outside = writes.filter((w) => !w.file.startsWith(OWNERS[w.table]!) && !isException(w));
    expect(outside.map((w) => `${w.file} writes ${w.table} (owner: ${OWNERS[w.table]})`)).toEqual([]);
    // An exception nobody needs any more goes.
    expect(EXCEPTIONS.filter((e) => !writes.some((w) => w.file === e.file && w.table === e.table))).toEqual([]);
  });

  it('reads the settings table only in src-main/settings/ (every reader parses a setting the same way)', () => {
    const readers = sourceFiles(join(REPO_ROOT, 'src-main'))
      .map((path) => relative(REPO_ROOT, path))
      .filter((file) => !file.startsWith('src-main/platform/migrations/') && !file.startsWith('src-main/settings/'))
      .filter((file) => /\b(FROM|JOIN)\s+settings\b/.test(readFileSync(join(REPO_ROOT, file), 'utf8')));
    expect(readers).toEqual([]);
  });
});
