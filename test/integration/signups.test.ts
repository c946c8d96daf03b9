import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { ManualClock } from '../../src-main/billing/clock';
import { runBillingJobs } from '../../src-main/billing/lifecycle/run-billing-jobs';
import { writeSettings } from '../../src-main/settings/settings-store';
import { inviteAccountAdmin, newInvitation } from '../../src-main/signups/invitation';
import { requestSignup, signupStatus } from '../../src-main/signups/request-signup';
import { runOnboardingJobs } from '../../src-main/signups/run-onboarding-jobs';
import type { SignupRateLimitedError } from '../../src-main/signups/signup-errors';
import { isSignupRateLimited } from '../../src-main/signups/signup-errors';
import { call } from '../support/core-calls';
import { dropTestPlatform, embeddedTarget, uniquePlatformDatabase, withAdminClient } from '../support/servers';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture';
import { openClockCore, useSmtp } from './billing-lifecycle-fixtures';

let counter = 0;
/** A sign-up form with a subdomain and e-mail of its own. */
function form(company = 'Signup Test Co', plan?: string) {
  counter += 1;
  const suffix = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}${counter}`;
  return { company_name: company, subdomain: `su-${suffix}`, admin_email: `owner+${suffix}@example.com`, ...(plan ? { plan } : {}) };
}

/** Each request a fresh address (the rate limit is tested on its own). */
let addressCounter = 0;
const freshAddress = () => `198.51.100.${(addressCounter += 1)}`;

interface TenantNames {
  id: string;
  tenant_code: string;
  database_name: string;
  db_role: string;
  subdomain: string;
  plan_code: string;
  trial_ends_at: Date | null;
  status: string;
}

/** Self-service sign-up and onboarding on real PostgreSQL (embedded) with a real SMTP server on loopback. */
describe('self-service sign-up and onboarding', () => {
  const platformDatabase = uniquePlatformDatabase('signups');
  const clock = new ManualClock(new Date());
  let url: string;
  let core: ConsoleCore;
  let smtp: SmtpCapture;

  const tenantBySubdomain = async (subdomain: string): Promise<TenantNames | null> => {
    const { rows } = await core.platform.pool.query<TenantNames>(
      'SELECT id, tenant_code, database_name, db_role, subdomain, plan_code, trial_ends_at, status FROM tenants WHERE subdomain = $1',
      [subdomain],
    );
    return rows[0] ?? null;
  };
  /** Work in the tenant's database as the tenant's own role: what its ERP can do. */
  const asTenant = <T>(tenant: TenantNames, work: (client: pg.Client) => Promise<T>) =>
    withAdminClient(url, tenant.database_name, async (client) => {
      await client.query(`SET ROLE ${client.escapeIdentifier(tenant.db_role)}`);
      return work(client);
    });
  const mailsTo = (address: string) => smtp.messages.filter((message) => message.to.includes(address));
  const tokenIn = (text: string) => /accept-invitation\?token=([A-Za-z0-9_-]{43})/.exec(text)?.[1] ?? null;
  const signUp = async (input: ReturnType<typeof form>) => {
    const accepted = await requestSignup(core.billing, input, { clientAddress: freshAddress() });
    const status = await accepted.settled;
    return { accepted, status };
  };

  beforeAll(async () => {
    url = embeddedTarget().url;
    core = await openClockCore(url, platformDatabase, clock);
    smtp = await startSmtpCapture();
    await useSmtp(core, smtp.port);
  });
  afterAll(async () => {
    await core?.close();
    await smtp?.close();
    await dropTestPlatform(url, platformDatabase);
  });

  let first: { input: ReturnType<typeof form>; tenant: TenantNames; token: string };

  it('provisions a trial tenant with an invited administrator, and e-mails the invitation once — never a password', async () => {
    const input = form('Nordwind Handel', 'professional');
    const { accepted, status } = await signUp(input);
    expect(accepted.created).toBe(true);
    expect(accepted.status_url_path).toBe(`/api/signups/${accepted.signup_id}`);
    expect(status).toMatchObject({ signup_id: accepted.signup_id, status: 'ready' });
    expect(status.tenant_code).toMatch(/^[A-Z]{2,4}\d{3,6}$/);
    expect(await signupStatus(core.billing, accepted.signup_id)).toEqual(status);

    const tenant = (await tenantBySubdomain(input.subdomain))!;
    expect(tenant).toMatchObject({ tenant_code: status.tenant_code, status: 'active', plan_code: 'trial' });
    // The trial plan's own trial settings (14 days), converting to the plan asked for.
    const days = (tenant.trial_ends_at!.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13.9);
    expect(days).toBeLessThan(14.1);
    const billing = await call(core, 'billing:tenant', { ref: tenant.tenant_code });
    expect(billing).toMatchObject({ state: 'trialing', conversionPlanCode: 'professional' });

    const users = await withAdminClient(url, tenant.database_name, async (client) =>
      (await client.query('SELECT email, company_id, is_account_admin, password_hash, invitation_token_hash, invitation_expires_at FROM erp.users')).rows,
    );
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ email: input.admin_email, company_id: null, is_account_admin: true, password_hash: null });
    expect((users[0].invitation_token_hash as Buffer).length).toBe(32);
    const expiresInDays = ((users[0].invitation_expires_at as Date).getTime() - Date.now()) / 86_400_000;
    expect(Math.round(expiresInDays)).toBe(7);

    const mails = mailsTo(input.admin_email);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!.decoded;
    expect(mail).toContain(`https://${input.subdomain}.yourerp.com`);
    const token = tokenIn(mail);
    expect(token).not.toBeNull();
    // The hash is stored, never the token.
    expect(Buffer.from(users[0].invitation_token_hash as Buffer).toString('hex')).not.toContain(Buffer.from(token!).toString('hex'));
    for (const secret of [tenant.database_name, tenant.db_role, 'postgres://', 'postgresql://']) expect(mail).not.toContain(secret);
    expect(mail).not.toMatch(/password:\s*\S/i);

    // Audited; and neither the lifecycle nor the onboarding job sends a second welcome.
    const events = await call(core, 'audit:list', { source: 'local', tenant: tenant.tenant_code, limit: 50 });
    expect(events.rows.map((event) => event.action)).toEqual(expect.arrayContaining(['signups:provision', 'billing:notice_sent']));
    await runBillingJobs(core.billing, 'test');
    await runOnboardingJobs(core.billing);
    expect(mailsTo(input.admin_email)).toHaveLength(1);
    const notices = await call(core, 'billing:notices', { ref: tenant.tenant_code });
    expect(notices.map((notice) => `${notice.kind}:${notice.state}`)).toEqual(['welcome:sent']);
    first = { input, tenant, token: token! };
  });

  it('the invitation is accepted once by the tenant role; a used or expired token is refused and changes nothing', async () => {
    const { tenant, token } = first;
    const hash = '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG';
    const id = await asTenant(tenant, async (client) => (await client.query<{ id: string }>('SELECT platform.accept_invitation($1, $2) AS id', [token, hash])).rows[0]!.id);
    expect(Number(id)).toBeGreaterThan(0);
    const again = await asTenant(tenant, (client) => client.query('SELECT platform.accept_invitation($1, $2)', [token, hash]).catch((error: { code?: string; message: string }) => error));
    expect(again).toMatchObject({ code: 'TC002', message: expect.stringContaining('not valid') });

    // An invitation already past its expiry (made with a clock 10 days back, valid for 1).
    const expired = newInvitation(new Date(Date.now() - 10 * 86_400_000), 1);
    const row = (await core.platform.pool.query<{ server_id: string }>('SELECT server_id FROM tenants WHERE id = $1', [tenant.id])).rows[0]!;
    expect(await inviteAccountAdmin(core.platform, { serverId: row.server_id, databaseName: tenant.database_name }, 'late@example.com', expired)).toBe(true);
    const refused = await asTenant(tenant, (client) => client.query('SELECT platform.accept_invitation($1, $2)', [expired.token, hash]).catch((error: { code?: string }) => error));
    expect(refused).toMatchObject({ code: 'TC002' });
    const users = await withAdminClient(url, tenant.database_name, async (client) =>
      (await client.query('SELECT email, password_hash, invitation_accepted_at IS NOT NULL AS accepted FROM erp.users ORDER BY id')).rows,
    );
    expect(users).toEqual([
      { email: first.input.admin_email, password_hash: hash, accepted: true },
      { email: 'late@example.com', password_hash: null, accepted: false },
    ]);
    // Users without a company are outside the per-company user limit, so there may be only a few.
    const flood = await asTenant(tenant, (client) =>
      client.query(`INSERT INTO erp.users (company_id, email, is_account_admin) SELECT NULL, 'extra' || g || '@example.com', true FROM generate_series(1, 5) g`).catch((error: { code?: string; message: string }) => error),
    );
    expect(flood).toMatchObject({ code: 'TC003', message: expect.stringContaining('Account administrator limit reached') });
    const plainUser = await asTenant(tenant, (client) => client.query(`INSERT INTO erp.users (company_id, email) VALUES (NULL, 'x@example.com')`).catch((error: { code?: string }) => error));
    expect(plainUser).toMatchObject({ code: '23514' }); // only account administrators may be without a company
    // A guessed token of the right shape is refused like any other.
    const guessed = await asTenant(tenant, (client) => client.query('SELECT platform.accept_invitation($1, $2)', ['A'.repeat(43), hash]).catch((error: { code?: string }) => error));
    expect(guessed).toMatchObject({ code: 'TC002' });
  });

  it('refuses reserved and taken subdomains with a clear message and creates nothing', async () => {
    const before = await core.platform.pool.query<{ n: number }>('SELECT (SELECT count(*) FROM signups)::int + (SELECT count(*) FROM tenants)::int AS n');
    const reserved = await requestSignup(core.billing, { ...form(), subdomain: 'admin' }, { clientAddress: freshAddress() }).catch((error: unknown) => error);
    expect(reserved).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('"admin" is reserved') });
    const taken = await requestSignup(core.billing, { ...form(), subdomain: first.input.subdomain }, { clientAddress: freshAddress() }).catch((error: unknown) => error);
    expect(taken).toMatchObject({ code: 'ALREADY_EXISTS', message: `The subdomain "${first.input.subdomain}" is already taken; choose another.` });
    const plain = await call(core, 'tenants:create', { companyName: 'Console Made', subdomain: `cm-${form().subdomain}`, plan: 'starter', adminEmail: 'ops@example.com' });
    const takenByTenant = await requestSignup(core.billing, { ...form(), subdomain: plain.tenant.subdomain }, { clientAddress: freshAddress() }).catch((error: unknown) => error);
    expect(takenByTenant).toMatchObject({ code: 'ALREADY_EXISTS' });
    const bad = await requestSignup(core.billing, { ...form(), subdomain: 'Bad_Label!' }, { clientAddress: freshAddress() }).catch((error: unknown) => error);
    expect(bad).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('subdomain') });
    const unknownField = await requestSignup(core.billing, { ...form(), password: 'x' }, { clientAddress: freshAddress() }).catch((error: unknown) => error);
    expect(unknownField).toMatchObject({ code: 'VALIDATION' });
    const customPlan = await requestSignup(core.billing, form('Big Co', 'enterprise'), { clientAddress: freshAddress() }).catch((error: unknown) => error);
    expect(customPlan).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('cannot be chosen at sign-up') });
    const after = await core.platform.pool.query<{ n: number }>('SELECT (SELECT count(*) FROM signups)::int + (SELECT count(*) FROM tenants)::int AS n');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n + 1); // the console-made tenant only
    expect(await signupStatus(core.billing, '00000000-0000-0000-0000-000000000000').catch((error: unknown) => error)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await signupStatus(core.billing, "x' OR 1=1 --").catch((error: unknown) => error)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('limits sign-ups per client address per hour (every request counts), with a retry-after, kept in the platform database', async () => {
    await writeSettings(core.platform.pool, { signupRequestsPerHour: 3 });
    try {
      const address = '203.0.113.77';
      for (let i = 0; i < 3; i += 1) {
        // Refused requests count too: probing subdomains is limited as well.
        const error = await requestSignup(core.billing, { ...form(), subdomain: 'www' }, { clientAddress: address }).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'VALIDATION' });
      }
      const limited = await requestSignup(core.billing, form(), { clientAddress: address }).catch((e: unknown) => e);
      expect(isSignupRateLimited(limited)).toBe(true);
      const { retryAfterSeconds, message } = limited as SignupRateLimitedError;
      expect(retryAfterSeconds).toBeGreaterThan(3500);
      expect(retryAfterSeconds).toBeLessThanOrEqual(3600);
      expect(message).toMatch(/Too many sign-ups from this address \(at most 3 an hour\)\. Try again in \d+ minutes\./);
      // Concurrent requests cannot slip under the limit together.
      const burst = await Promise.all(Array.from({ length: 5 }, () => requestSignup(core.billing, { ...form(), subdomain: 'api' }, { clientAddress: '203.0.113.78' }).catch((e: unknown) => e)));
      expect(burst.filter(isSignupRateLimited)).toHaveLength(2);
      // Another address is not affected; the stored attempts are what decide.
      expect(await requestSignup(core.billing, { ...form(), subdomain: 'www' }, { clientAddress: '203.0.113.79' }).catch((e: unknown) => e)).toMatchObject({ code: 'VALIDATION' });
      const stored = await core.platform.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM signup_attempts WHERE client_address = $1`, [address]);
      expect(stored.rows[0]!.n).toBe(3);
      // An hour later (billing's clock), the address may sign up again.
      clock.advanceMs(3_601_000);
      expect(await requestSignup(core.billing, { ...form(), subdomain: 'www' }, { clientAddress: address }).catch((e: unknown) => e)).toMatchObject({ code: 'VALIDATION' });
    } finally {
      clock.set(new Date());
      await writeSettings(core.platform.pool, { signupRequestsPerHour: null });
    }
  });

  it('a double submit (8 identical requests at once) makes one sign-up and one tenant; another applicant gets "taken"', async () => {
    const input = form('Twice Clicked Ltd');
    const results = await Promise.all(Array.from({ length: 8 }, () => requestSignup(core.billing, input, { clientAddress: freshAddress() })));
    expect(new Set(results.map((r) => r.signup_id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const statuses = await Promise.all(results.map((r) => r.settled));
    expect(statuses.every((s) => s.status === 'ready')).toBe(true);
    const again = await requestSignup(core.billing, input, { clientAddress: freshAddress() });
    expect(again).toMatchObject({ signup_id: results[0]!.signup_id, created: false });
    expect(await again.settled).toMatchObject({ status: 'ready', tenant_code: statuses[0]!.tenant_code });
    const { rows } = await core.platform.pool.query('SELECT tenant_code FROM tenants WHERE subdomain = $1', [input.subdomain]);
    expect(rows).toHaveLength(1);
    expect(mailsTo(input.admin_email)).toHaveLength(1);
    const other = await requestSignup(core.billing, { ...input, admin_email: 'someone.else@example.com' }, { clientAddress: freshAddress() }).catch((e: unknown) => e);
    expect(other).toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  it('a welcome the SMTP server refused is retried by the onboarding job with a fresh link (never the generic welcome)', async () => {
    const input = form('Bounced Mail Oy');
    smtp.refuseWith('550 mailbox unavailable');
    let status;
    try {
      ({ status } = await signUp(input));
    } finally {
      smtp.refuseWith(null);
    }
    expect(status.status).toBe('ready');
    const tenant = (await tenantBySubdomain(input.subdomain))!;
    expect((await call(core, 'billing:notices', { ref: tenant.tenant_code })).map((n) => `${n.kind}:${n.state}`)).toEqual(['welcome:failed']);
    const stored = async () =>
      withAdminClient(url, tenant.database_name, async (client) => (await client.query<{ h: Buffer }>('SELECT invitation_token_hash AS h FROM erp.users')).rows[0]!.h.toString('hex'));
    const before = await stored();
    // The billing lifecycle leaves it alone (its retry would carry no invitation link).
    await runBillingJobs(core.billing, 'test');
    expect(mailsTo(input.admin_email)).toHaveLength(0);
    const run = await runOnboardingJobs(core.billing);
    expect(run.welcomesRetried).toBe(1);
    const mails = mailsTo(input.admin_email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain('your account is ready');
    expect(await stored()).not.toBe(before);
    const token = tokenIn(mails[0]!.decoded)!;
    const hash = '$2b$12$abcdefghijklmnopqrstuuN3yQf7mJ5y5oR1s1bWb5wXJ6m0P6r2W';
    expect(await asTenant(tenant, async (client) => (await client.query('SELECT platform.accept_invitation($1, $2) AS id', [token, hash])).rows.length)).toBe(1);
    expect((await runOnboardingJobs(core.billing)).welcomesRetried).toBe(0);
    expect((await call(core, 'billing:notices', { ref: tenant.tenant_code })).map((n) => `${n.kind}:${n.state}`)).toEqual(['welcome:sent']);
  });

  it('the checklist advances from real tenant activity, read by the usage collection', async () => {
    const { tenant } = first;
    let checklist = await call(core, 'onboarding:get', { ref: tenant.tenant_code });
    expect(checklist).toMatchObject({ stage: 'sign_in', stalled: false, milestones: { welcome: expect.any(String), sign_in: null } });
    expect(checklist.signup).toMatchObject({ status: 'ready' });

    // The ERP records the administrator's sign-in.
    await asTenant(tenant, (client) => client.query(`UPDATE erp.users SET last_sign_in_at = now() WHERE is_account_admin`));
    await call(core, 'usage:collect', {});
    checklist = await call(core, 'onboarding:get', { ref: tenant.tenant_code });
    expect(checklist).toMatchObject({ stage: 'company', milestones: { sign_in: expect.any(String), company: null } });

    await asTenant(tenant, (client) => client.query(`INSERT INTO erp.companies (name) VALUES ('Nordwind GmbH')`));
    await call(core, 'usage:collect', {});
    checklist = await call(core, 'onboarding:get', { ref: tenant.tenant_code });
    expect(checklist).toMatchObject({ stage: 'transaction', milestones: { company: expect.any(String), transaction: null } });
    // The account administrator (no company) takes no place in a company's user limit.
    const counters = await withAdminClient(url, tenant.database_name, async (client) => (await client.query(`SELECT count(*)::int AS n FROM platform.counters WHERE resource = 'users'`)).rows[0].n);
    expect(counters).toBe(0);

    await asTenant(tenant, (client) => client.query(`INSERT INTO erp.transactions (company_id, amount) SELECT id, 42 FROM erp.companies LIMIT 1`));
    await call(core, 'usage:collect', {});
    checklist = await call(core, 'onboarding:get', { ref: tenant.tenant_code });
    expect(checklist).toMatchObject({ stage: 'payment_method', milestones: { transaction: expect.any(String), payment_method: null } });

    await call(core, 'billing:setPaymentMethod', { ref: tenant.tenant_code, present: true, label: 'Visa •••• 4242' });
    await runOnboardingJobs(core.billing);
    checklist = await call(core, 'onboarding:get', { ref: tenant.tenant_code });
    expect(checklist.stage).toBe('done');
    expect(Object.values(checklist.milestones).every((at) => at !== null)).toBe(true);

    const done = await call(core, 'tenants:list', { onboarding: ['done'] });
    expect(done.rows.map((row) => row.tenantCode)).toEqual([tenant.tenant_code]);
    const waiting = await call(core, 'tenants:list', { onboarding: ['sign_in'] });
    expect(waiting.rows.map((row) => row.tenantCode)).not.toContain(tenant.tenant_code);

    const funnel = await call(core, 'onboarding:funnel', { weeks: 4 });
    expect(funnel.weeks).toHaveLength(4);
    expect(funnel.weeks.at(-1)!.signups).toBeGreaterThanOrEqual(2);
    expect(funnel.totals).toMatchObject({ activated: 1, converted: 0 });
  });

  it('a trial nobody signed in to is listed as stalled and gets exactly one nudge, audited', async () => {
    const input = form('Quiet Start AG');
    const { status } = await signUp(input);
    const tenant = (await tenantBySubdomain(input.subdomain))!;
    expect((await call(core, 'onboarding:get', { ref: tenant.tenant_code })).stalled).toBe(false);
    expect((await runOnboardingJobs(core.billing)).nudged).toEqual([]);

    // Four days later (the setting says 3), still nobody has signed in.
    await core.platform.pool.query(`UPDATE tenants SET created_at = created_at - interval '4 days' WHERE id = $1`, [tenant.id]);
    const checklist = await call(core, 'onboarding:get', { ref: tenant.tenant_code });
    expect(checklist).toMatchObject({ stalled: true, stalledDays: 3, nudgedAt: null, stage: 'sign_in' });
    const stalled = await call(core, 'tenants:list', { stalled: true });
    expect(stalled.rows.map((row) => row.tenantCode)).toEqual([status.tenant_code]);

    const runs = await Promise.all([runOnboardingJobs(core.billing), runOnboardingJobs(core.billing)]);
    expect(runs.flatMap((run) => run.nudged)).toEqual([tenant.tenant_code]);
    expect((await runOnboardingJobs(core.billing)).nudged).toEqual([]);
    const nudges = mailsTo(input.admin_email).filter((message) => message.subject.includes('waiting for you'));
    expect(nudges).toHaveLength(1);
    expect(nudges[0]!.decoded).toContain(`https://${input.subdomain}.yourerp.com`);
    expect(nudges[0]!.decoded).not.toContain(tenant.database_name);
    expect((await call(core, 'onboarding:get', { ref: tenant.tenant_code })).nudgedAt).not.toBeNull();
    const events = await call(core, 'audit:list', { source: 'local', tenant: tenant.tenant_code, limit: 50 });
    expect(events.rows.filter((event) => event.action === 'billing:notice_sent' && (JSON.parse(String(event.details)) as { kind?: string }).kind === 'onboarding_nudge')).toHaveLength(1);
    expect((await call(core, 'onboarding:funnel', { weeks: 1 })).totals.stalled).toBe(1);
  });
});
