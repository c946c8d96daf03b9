import { describe, expect, it } from 'vitest';
import { firstFreeTenantCode, formatTenantCode, tenantCodePrefix, tenantDatabaseName, tenantRoleName } from '../../src-shared/domain/tenant-code';
import { TENANT_CODE_PATTERN } from '../../src-shared/domain/tenant-fields';

describe('tenant codes', () => {
  it.each([
    ['Acme Corp', 'ACME'],
    ['Müller GmbH', 'MULL'],
    ["O'Brien & Sons", 'OBRI'],
    ['3M', 'TNT'],
    ['北京公司', 'TNT'],
    ['Ab', 'AB'],
  ])('takes the prefix of %s as %s', (name, prefix) => {
    expect(tenantCodePrefix(name)).toBe(prefix);
  });

  it('numbers from 001 and skips taken codes', async () => {
    expect(formatTenantCode('ACME', 1)).toBe('ACME001');
    expect(formatTenantCode('ACME', 1234)).toBe('ACME1234');
    const taken = new Set(['ACME001', 'ACME002', 'ACME004']);
    expect(await firstFreeTenantCode('Acme Corp', (code) => taken.has(code))).toBe('ACME003');
  });

  it('never uses the clock: the same inputs give the same code', async () => {
    const first = await firstFreeTenantCode('Acme', () => false);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await firstFreeTenantCode('Acme', () => false)).toBe(first);
  });

  it('always produces codes the registry accepts, and safe database names', async () => {
    for (const name of ['Acme', 'Z', 'Ünïcödé Co', '1234', 'a b c d e f']) {
      const code = await firstFreeTenantCode(name, () => false);
      expect(code).toMatch(TENANT_CODE_PATTERN);
      expect(tenantDatabaseName(code)).toMatch(/^[a-z][a-z0-9_]{0,62}$/);
      expect(tenantRoleName(code)).toMatch(/^[a-z][a-z0-9_]{0,62}$/);
    }
  });
});
