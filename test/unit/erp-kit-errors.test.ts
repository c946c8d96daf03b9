import { describe, expect, it } from 'vitest';
import { ErpKit, acceptInvitation, accountAdminLimit, checkLimit, isLoginRefused, isSessionEnded, limitDetails, normalizeHost, refuseUnlessActive, TenantKitError, type ResolvedTenant } from '../../erp-kit/src/index';

// The kit's reading of PostgreSQL errors, on the exact fields the tenant databases send
// (real ones are exercised in test/integration/erp-kit.test.ts).

const tenant = (status: string): ResolvedTenant => ({
  tenantCode: 'ACME001',
  status,
  plan: 'starter',
  subdomain: 'acme',
  connection: { host: '127.0.0.1', port: 5432, database: 'tenant_acme001', user: 'tenant_acme001_app' },
});

describe('limit refusals (TC001)', () => {
  it('reads resource, current, limit and the company from DETAIL', () => {
    expect(
      limitDetails({
        code: 'TC001',
        message: 'User limit for company Sales would be exceeded (2 of 3, this adds 2). Please upgrade.',
        detail: 'resource=users scope=7 current=2 limit=3 adding=2',
      }),
    ).toEqual({ resource: 'users', current: 2, limit: 3, adding: 2, companyId: 7, message: 'User limit for company Sales would be exceeded (2 of 3, this adds 2). Please upgrade.' });
  });

  it('falls back to the sentence when DETAIL is missing or unexpected', () => {
    expect(limitDetails({ code: 'TC001', message: 'Company limit reached (3 of 3). Please upgrade.' })).toMatchObject({ resource: 'companies', current: 3, limit: 3, adding: 1 });
    expect(limitDetails({ code: 'TC001', message: 'Monthly transaction limit would be exceeded (99 of 100, this adds 2). Please upgrade.', detail: 'garbage' })).toMatchObject({
      resource: 'transactions',
      current: 99,
      limit: 100,
      adding: 2,
    });
  });

  it('is not fooled by another error with a similar sentence', () => {
    expect(limitDetails({ code: 'P0001', message: 'Company limit reached (3 of 3). Please upgrade.' })).toBeNull();
    expect(limitDetails(null)).toBeNull();
    expect(limitDetails('TC001')).toBeNull();
  });
});

describe('suspension signals', () => {
  it('knows a refused login from a wrong password', () => {
    expect(isLoginRefused({ code: '28000', message: 'role "tenant_acme001_app" is not permitted to log in' })).toBe(true);
    expect(isLoginRefused({ code: '42501', message: 'permission denied for database "tenant_acme001"' })).toBe(true);
    expect(isLoginRefused({ code: '42501', message: 'permission denied for table companies' })).toBe(false);
    expect(isLoginRefused({ code: '28P01', message: 'password authentication failed for user "tenant_acme001_app"' })).toBe(false);
  });

  it('knows an ended session', () => {
    expect(isSessionEnded({ code: '57P01', message: 'terminating connection due to administrator command' })).toBe(true);
    expect(isSessionEnded(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isSessionEnded({ code: '23505', message: 'duplicate key' })).toBe(false);
  });

  it('refuses every status but active, by its meaning', () => {
    expect(() => refuseUnlessActive(tenant('active'))).not.toThrow();
    const statusOf = (status: string) => {
      try {
        refuseUnlessActive(tenant(status));
        return null;
      } catch (error) {
        return (error as TenantKitError).status;
      }
    };
    expect(statusOf('suspended')).toBe(403);
    expect(statusOf('cancelled')).toBe(410);
    expect(statusOf('deleted')).toBe(410);
    expect(statusOf('provisioning')).toBe(503);
    expect(statusOf('archived')).toBe(503); // a status newer than the kit: not served, not gone
  });

  it('passes errors it does not know on unchanged', async () => {
    const kit = new ErpKit({ resolver: { apiUrl: 'http://127.0.0.1:9', apiKey: 'k' }, credentialsFor: () => 'x' });
    try {
      const unique = Object.assign(new Error('duplicate key value'), { code: '23505' });
      expect(await kit.translate(unique, tenant('active'))).toBe(unique);
      const wrongPassword = Object.assign(new Error('password authentication failed'), { code: '28P01' });
      expect(await kit.translate(wrongPassword, tenant('active'))).toBe(wrongPassword);
    } finally {
      await kit.close();
    }
  });
});

describe('inputs', () => {
  it('checkLimit refuses unknown resources and a users check without a company, before any query', async () => {
    const never = { query: () => Promise.reject(new Error('queried')) };
    await expect(checkLimit(never, 'invoices' as 'companies')).rejects.toThrow(/unknown resource/);
    await expect(checkLimit(never, 'toString' as 'companies')).rejects.toThrow(/unknown resource/);
    await expect(checkLimit(never, 'users')).rejects.toThrow(/per company/);
    await expect(checkLimit(never, 'users', '1; DROP TABLE x')).rejects.toThrow(/positive integer/);
  });

  it('normalizes host names and refuses what is not one', () => {
    expect(normalizeHost('ACME.YourERP.com:443')).toBe('acme.yourerp.com');
    expect(normalizeHost('acme.yourerp.com.')).toBe('acme.yourerp.com');
    for (const bad of ['', ' ', 'a b.com', 'acme.com\r\nX: y', '-acme.com', 'acme..com', '[::1]:80', 'a/b']) expect(normalizeHost(bad)).toBeNull();
  });
});

describe('invitations and the account-administrator cap (tenant migration 007)', () => {
  const kit = () => new ErpKit({ resolver: { apiUrl: 'http://127.0.0.1:9', apiKey: 'k' }, credentialsFor: () => 'x' });

  it('reads TC003 as a limit of account administrators', async () => {
    const error = { code: 'TC003', message: 'Account administrator limit reached (4 of 3): give the user a company.' };
    expect(accountAdminLimit(error)).toMatchObject({ resource: 'account_admins', current: 3, limit: 3, adding: 1 });
    const k = kit();
    try {
      const answer = (await k.translate(error, tenant('active'))) as TenantKitError;
      expect(answer.status).toBe(403);
      expect(answer.body).toEqual({ error: error.message, code: 'limit_reached', resource: 'account_admins', current: 3, limit: 3 });
    } finally {
      await k.close();
    }
  });

  it('answers a used or expired invitation (TC002) with 400 and the database sentence', async () => {
    const message = 'This invitation is not valid: it was already used, has expired, or was replaced by a newer one.';
    const refusing = { query: () => Promise.reject(Object.assign(new Error(message), { code: 'TC002' })) };
    const error = await acceptInvitation(refusing, 't'.repeat(43), 'h'.repeat(60)).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TenantKitError);
    expect((error as TenantKitError).status).toBe(400);
    expect((error as TenantKitError).body).toEqual({ error: message, code: 'invitation_invalid' });
    const accepting = { query: (text: string, values?: unknown[]) => Promise.resolve({ rows: [{ user_id: '42', text, values }] }) };
    expect(await acceptInvitation(accepting, 't'.repeat(43), 'h'.repeat(60))).toBe(42);
  });
});
