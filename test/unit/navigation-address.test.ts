import { describe, expect, it } from 'vitest';
import { formatAddress, HOME_ADDRESS, parseAddress, samePlace, type Address } from '../../src-renderer/navigation/address';
import { documentTitle } from '../../src-renderer/navigation/document-title';
import { tenantQueryFromParams, tenantQueryToParams } from '../../src-renderer/navigation/tenant-query-params';
import { DEFAULT_TENANT_QUERY, type TenantQuery } from '../../src-renderer/store/tenant-query';

/** The console's addresses (`#/tenants/ACME001/billing?status=active`): parse, format, round trips. */
describe('address', () => {
  it('reads a page, a tenant, its tab and the filters', () => {
    expect(parseAddress('#/tenants/ACME001/billing?status=active,suspended&q=M%C3%BCller')).toEqual({
      page: 'tenants',
      tenantCode: 'ACME001',
      tab: 'billing',
      params: { status: 'active,suspended', q: 'Müller' },
    });
    expect(parseAddress('#/usage')).toEqual({ page: 'usage', tenantCode: null, tab: null, params: {} });
    expect(parseAddress('#/usage/acme001')).toMatchObject({ page: 'usage', tenantCode: 'ACME001', tab: null });
  });

  it('is lenient: the empty, unknown or malformed parts of a link fall back to what exists', () => {
    expect(parseAddress('')).toEqual(HOME_ADDRESS);
    expect(parseAddress('#')).toEqual(HOME_ADDRESS);
    expect(parseAddress('#/')).toEqual(HOME_ADDRESS);
    // An unknown page is the Tenants page, without the unknown page's tenant or filters.
    expect(parseAddress('#/nowhere/ACME001?q=x')).toEqual(HOME_ADDRESS);
    // A code that is not a tenant code, an unknown tab, the overview tab, bad escapes.
    expect(parseAddress('#/tenants/not-a-code/billing')).toEqual(HOME_ADDRESS);
    expect(parseAddress('#/tenants/ACME001/secrets')).toMatchObject({ tenantCode: 'ACME001', tab: null });
    expect(parseAddress('#/tenants/ACME001/overview')).toMatchObject({ tenantCode: 'ACME001', tab: null });
    expect(parseAddress('#/tenants/%E0%A4%A/billing')).toMatchObject({ page: 'tenants', tenantCode: null, tab: null });
    expect(parseAddress('#/tenants?q=a&q=b').params).toEqual({ q: 'a' });
    // No fragment marker (as from a bare string) reads the same.
    expect(parseAddress('/plans')).toMatchObject({ page: 'plans' });
  });

  it('writes the canonical form, which reads back to the same address', () => {
    const addresses: Address[] = [
      HOME_ADDRESS,
      { page: 'tenants', tenantCode: 'ACME001', tab: 'billing', params: {} },
      { page: 'tenants', tenantCode: 'ACME001', tab: null, params: { q: 'Müller & Söhne / 50%', status: 'active' } },
      { page: 'billing', tenantCode: 'NOR042', tab: 'activity', params: {} },
      { page: 'settings', tenantCode: null, tab: null, params: {} },
    ];
    for (const address of addresses) expect(parseAddress(formatAddress(address))).toEqual(address);
    expect(formatAddress({ page: 'tenants', tenantCode: 'ACME001', tab: 'billing', params: {} })).toBe('#/tenants/ACME001/billing');
    expect(formatAddress({ page: 'tenants', tenantCode: 'ACME001', tab: 'overview', params: {} })).toBe('#/tenants/ACME001');
    expect(formatAddress({ page: 'tenants', tenantCode: null, tab: 'billing', params: { q: 'a b', status: '' } })).toBe('#/tenants?q=a+b');
  });

  it('tells a move (page, tenant, tab: a history entry) from a filter change (replaces it)', () => {
    const here: Address = { page: 'tenants', tenantCode: 'ACME001', tab: null, params: {} };
    expect(samePlace(here, { ...here, params: { q: 'x' } })).toBe(true);
    expect(samePlace(here, { ...here, tab: 'overview' })).toBe(true);
    expect(samePlace(here, { ...here, tab: 'billing' })).toBe(false);
    expect(samePlace(here, { ...here, tenantCode: null })).toBe(false);
    expect(samePlace(here, { ...here, page: 'usage' })).toBe(false);
  });
});

describe('tenant query in the address', () => {
  it('leaves the defaults out', () => {
    expect(tenantQueryToParams(DEFAULT_TENANT_QUERY)).toEqual({});
    expect(tenantQueryFromParams({})).toEqual(DEFAULT_TENANT_QUERY);
  });

  it('round-trips every filter, the sort and the page', () => {
    const query: TenantQuery = {
      search: 'Müller',
      status: ['active', 'suspended'],
      plan: ['starter', 'pro-2024'],
      onboarding: ['sign_in', 'stalled'],
      sort: 'companyName',
      direction: 'desc',
      page: 3,
    };
    const params = tenantQueryToParams(query);
    expect(params).toEqual({ q: 'Müller', status: 'active,suspended', plan: 'starter,pro-2024', onboarding: 'sign_in,stalled', sort: 'companyName', dir: 'desc', page: '3' });
    expect(tenantQueryFromParams(params)).toEqual(query);
    // A column's own first direction is not written (name ascending, dates newest first).
    expect(tenantQueryToParams({ ...DEFAULT_TENANT_QUERY, sort: 'companyName', direction: 'asc' })).toEqual({ sort: 'companyName' });
    expect(tenantQueryFromParams({ sort: 'companyName' })).toMatchObject({ sort: 'companyName', direction: 'asc' });
  });

  it('drops what the page does not offer', () => {
    expect(
      tenantQueryFromParams({ status: 'active,hacked,active', plan: 'Starter,ok_plan', onboarding: 'nope', sort: 'password', dir: 'sideways', page: '0' }),
    ).toEqual({ ...DEFAULT_TENANT_QUERY, status: ['active'], plan: ['ok_plan'] });
    expect(tenantQueryFromParams({ page: '-2' }).page).toBe(1);
    expect(tenantQueryFromParams({ page: '1e3' }).page).toBe(1);
    expect(tenantQueryFromParams({ q: 'x'.repeat(500) }).search).toHaveLength(200);
  });
});

describe('document title', () => {
  it('names the tenant, its tab and the page', () => {
    expect(documentTitle({ page: 'Tenants', tenantCode: null, companyName: null, tab: null })).toBe('Tenants — Tenant Console');
    expect(documentTitle({ page: 'Tenants', tenantCode: 'MUL001', companyName: 'Müller GmbH', tab: 'Billing' })).toBe('Müller GmbH (MUL001) · Billing — Tenants — Tenant Console');
    // Before the tenant has loaded: its code.
    expect(documentTitle({ page: 'Usage', tenantCode: 'MUL001', companyName: null, tab: 'Overview' })).toBe('MUL001 · Overview — Usage — Tenant Console');
  });
});
