import { describe, expect, it } from 'vitest';
import { generateTenantPassword, scramSha256Verifier, scramSha256VerifierAsync } from '../../src-main/postgres/scram';
import { assertConsoleIdentifier, quoteIdent } from '../../src-main/postgres/identifiers';

describe('credentials', () => {
  it('builds PostgreSQL SCRAM-SHA-256 verifiers (independent known answer)', () => {
    const verifier = scramSha256Verifier('pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'));
    // Known answer computed independently (Python hashlib, RFC 5802 formulas) for "pencil" with the RFC 7677 salt.
    expect(verifier).toBe('SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=');
  });

  it('derives the same verifier off the main thread', async () => {
    const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
    expect(await scramSha256VerifierAsync('pencil', salt)).toBe(scramSha256Verifier('pencil', salt));
  });

  it('generates long, unbiased, shell-safe passwords', () => {
    const passwords = new Set(Array.from({ length: 200 }, () => generateTenantPassword()));
    expect(passwords.size).toBe(200);
    for (const password of passwords) expect(password).toMatch(/^[A-Za-z2-9]{32}$/);
  });
});

describe('identifiers', () => {
  it('quotes only names the console makes', () => {
    expect(quoteIdent('tenant_acme001')).toBe('"tenant_acme001"');
    for (const bad of ['Tenant', 'x"; DROP DATABASE y; --', '', 'a'.repeat(64), '1abc', 'tenant acme', 'tenant_аcme']) {
      expect(() => assertConsoleIdentifier(bad)).toThrow(/Refusing unsafe/);
    }
  });
});
