import { describe, expect, it } from 'vitest';
import { subdomainProblem, subdomainSchema, RESERVED_SUBDOMAINS } from '../../src-shared/domain/subdomain';
import { companyNameProblem, emailProblem, reasonSchema, tenantRefSchema, createTenantInputSchema } from '../../src-shared/domain/tenant-fields';

describe('subdomain rules', () => {
  it.each(['acme', 'acme-corp', 'a1b', 'x'.repeat(63), '123', 'ACME'])('accepts %s', (label) => {
    expect(subdomainProblem(label)).toBeNull();
  });

  it.each([
    ['', /required/],
    ['ab', /at least 3/],
    ['x'.repeat(64), /at most 63/],
    ['-acme', /hyphen/],
    ['acme-', /hyphen/],
    ['ac_me', /letters a–z/],
    ['ac.me', /letters a–z/],
    ['acme corp', /letters a–z/],
    ["acme';drop", /letters a–z/],
    ['аcme', /look-alike/], // Cyrillic а
    ['acmé', /look-alike/],
    ['xn--acme', /punycode/],
    ['www', /reserved/],
    ['API', /reserved/],
    ['admin', /reserved/],
    ['mail', /reserved/],
  ])('refuses %j', (label, reason) => {
    expect(subdomainProblem(label)).toMatch(reason);
  });

  it('lower-cases and trims through the schema', () => {
    expect(subdomainSchema.parse('  Acme-Corp ')).toBe('acme-corp');
  });

  it('reserves the operator’s own service names', () => {
    for (const name of ['www', 'api', 'admin', 'app', 'mail']) expect(RESERVED_SUBDOMAINS.has(name)).toBe(true);
  });
});

describe('company name rules', () => {
  it.each([
    'Acme Corp', "O'Brien & Sons Ltd.", 'Müller GmbH', '北京科技有限公司', 'A/B Testing (EU) #1',
    'Smith — Partners', 'Café "Zur Post"', 'Bäckerei <Schmidt> & Co; KG', '100% Natural = Good', 'Acme -- Holdings',
    // Printable, so accepted: it is stored and shown as text, never run (hostile-input.test.ts proves it).
    "Robert'); DROP TABLE tenants;--", '<script>alert(1)</script>', '=HYPERLINK("http://evil")',
  ])('accepts %s', (name) => {
    expect(companyNameProblem(name)).toBeNull();
  });

  it.each([
    ['', /required/],
    ['   ', /required/],
    ['x'.repeat(201), /at most 200/],
    ['Acme\u202eevil', /invisible/],
    ['Acme\u2066evil\u2069', /invisible/],
    ['Acme\u200bCorp', /invisible/],
    ['Acme\u0000', /invisible/],
    ['Acme\nBcc: evil@example.com', /invisible/],
    ['Acme\tCorp', /invisible/],
    ['!!! --- ???', /letter or a digit/],
  ])('refuses %j', (name, reason) => {
    expect(companyNameProblem(name)).toMatch(reason);
  });
});

describe('email rules', () => {
  it.each(['ops@acme.com', 'first.last+erp@sub.example.co.uk'])('accepts %s', (email) => {
    expect(emailProblem(email)).toBeNull();
  });

  it.each([
    ['', /required/],
    ['not-an-email', /not a valid/],
    ['a@b', /not a valid/],
    ['ops@аcme.com', /ASCII/], // Cyrillic а
    ["x'; DROP TABLE tenants;--@acme.com", /not a valid/],
    [`${'a'.repeat(250)}@acme.com`, /at most 254/],
    ['a..b@acme.com', /not a valid/],
  ])('refuses %j', (email, reason) => {
    expect(emailProblem(email)).toMatch(reason);
  });
});

describe('create-tenant input', () => {
  it('normalises every field', () => {
    const parsed = createTenantInputSchema.parse({ companyName: ' Acme Corp ', subdomain: 'ACME', plan: 'starter', adminEmail: 'Ops@Acme.COM' });
    expect(parsed).toEqual({ companyName: 'Acme Corp', subdomain: 'acme', plan: 'starter', adminEmail: 'ops@acme.com' });
  });

  it('reports every bad field at once', () => {
    const result = createTenantInputSchema.safeParse({ companyName: '', subdomain: 'www', plan: 'Bad Plan!', adminEmail: 'x' });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((issue) => issue.path[0]);
    expect(new Set(paths)).toEqual(new Set(['companyName', 'subdomain', 'plan', 'adminEmail']));
  });
});

describe('reasons and references', () => {
  it('requires a non-empty reason without control characters', () => {
    expect(reasonSchema.safeParse('  ').success).toBe(false);
    expect(reasonSchema.safeParse('Unpaid\u0007').success).toBe(false);
    expect(reasonSchema.parse(' Unpaid invoice ')).toBe('Unpaid invoice');
  });

  it('accepts only codes and subdomains as tenant references', () => {
    expect(tenantRefSchema.safeParse('ACME001').success).toBe(true);
    expect(tenantRefSchema.safeParse('acme-corp').success).toBe(true);
    expect(tenantRefSchema.safeParse("acme' OR 1=1 --").success).toBe(false);
    expect(tenantRefSchema.safeParse('').success).toBe(false);
  });
});
