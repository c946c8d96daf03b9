import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { runTenantctl } from '../support/cli';
import { call, uniqueTenantInput } from '../support/core-calls';
import { runCliInProcess } from '../support/run-cli';
import { dropTestPlatform, embeddedTarget, openTestCore, operatorEnv, uniquePlatformDatabase } from '../support/servers';

/**
 * tenantctl's operator commands (issue 12): login / logout / whoami, the operators group,
 * roles refusing with exit 8 and "not signed in" exiting 10 — on one platform, with the
 * CLI's own data folders (none holds a local operator, so nobody is signed in until a
 * login or TENANT_CONSOLE_OPERATOR says who).
 */
describe('tenantctl login, whoami, logout and operators', () => {
  let core: ConsoleCore;
  let url: string;
  let admin: Record<string, string> = {};
  let tenantCode = '';
  const dataDirs: string[] = [];
  const platformDatabase = uniquePlatformDatabase('cliops');
  /** Passwords the tests hand on (one-time passwords as printed by `operators add`). */
  const passwords = new Map<string, string>();

  const newDataDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tc-cli-ops-'));
    dataDirs.push(dir);
    return dir;
  };
  /** A data folder that knows the server only through TENANT_CONSOLE_DATABASE_URL. */
  const envFor = (dataDir: string, extra: Record<string, string> = {}) => ({
    TENANT_CONSOLE_DATABASE_URL: url,
    TENANT_CONSOLE_PLATFORM_DATABASE: platformDatabase,
    TENANT_CONSOLE_DATA_DIR: dataDir,
    TENANT_CONSOLE_OPERATOR: '',
    TENANT_CONSOLE_PASSWORD: '',
    ...extra,
  });
  /** A data folder that knows the server only from `login --server` (no TENANT_CONSOLE_DATABASE_URL). */
  const keptServerEnv = (dataDir: string) => envFor(dataDir, { TENANT_CONSOLE_DATABASE_URL: '' });
  let adminDir = '';
  const asAdmin = (...args: string[]) => runCliInProcess(args, envFor(adminDir, admin));
  const json = async (run: Promise<{ code: number | null; stdout: string; stderr: string }>) => {
    const result = await run;
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };
  const login = (dataDir: string, operator: string, password: string, ...more: string[]) =>
    runCliInProcess(['login', '--server', url, '--operator', operator, ...more], keptServerEnv(dataDir), { stdin: `${password}\n` });
  /** Adds an operator as the admin; returns its one-time password. */
  const addOperator = async (name: string, role: string) => {
    const added = await json(asAdmin('operators', 'add', name, '--role', role, '--json'));
    passwords.set(name, added.password);
    return added.password as string;
  };

  beforeAll(async () => {
    url = embeddedTarget().url;
    core = await openTestCore(url, platformDatabase);
    admin = await operatorEnv(core);
    adminDir = await newDataDir();
    tenantCode = (await call(core, 'tenants:create', uniqueTenantInput('starter', 'Cli Operators'))).tenant.tenantCode;
  });
  afterAll(async () => {
    await core?.close();
    await dropTestPlatform(url, platformDatabase);
    await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('adds, lists, changes the role of, disables, enables and resets operators with --json', async () => {
    const added = await json(asAdmin('operators', 'add', 'alice', '--role', 'support', '--json'));
    expect(added).toMatchObject({ name: 'alice', role: 'support', db_role: expect.stringMatching(/^tc_op_alice/), disabled: false, must_change_password: true });
    expect(added.password).toMatch(/^[A-Za-z2-9]{24}$/);

    // Human output: the one-time password once, and the warning that it will not come back.
    const text = await asAdmin('operators', 'add', 'victor', '--role', 'viewer');
    expect(text.code, text.stderr).toBe(0);
    const shown = /One-time password for victor:\s+(\S+)/.exec(text.stdout)?.[1];
    expect(shown).toMatch(/^[A-Za-z2-9]{24}$/);
    expect(text.stdout.split(shown!).length - 1).toBe(1);
    expect(text.stdout).toMatch(/It will not be shown again/);
    passwords.set('victor', shown!);

    const list = await json(asAdmin('operators', 'list', '--json'));
    expect(list).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'alice', role: 'support', disabled: false, must_change_password: true, last_sign_in_at: null }),
        expect.objectContaining({ name: 'victor', role: 'viewer' }),
        expect.objectContaining({ name: admin.TENANT_CONSOLE_OPERATOR, role: 'admin' }),
      ]),
    );
    expect(JSON.stringify(list)).not.toContain(added.password);
    const table = await asAdmin('operators', 'list');
    expect(table.stdout).toMatch(/NAME\s+ROLE\s+STATUS\s+LAST SIGN-IN/);
    expect(table.stdout).toMatch(/alice\s+support\s+one-time password\s+never/);

    expect(await json(asAdmin('operators', 'role', 'alice', 'billing', '--json'))).toMatchObject({ name: 'alice', role: 'billing' });
    expect(await json(asAdmin('operators', 'role', 'ALICE', 'support', '--json'))).toMatchObject({ name: 'alice', role: 'support' });
    expect(await json(asAdmin('operators', 'disable', 'alice', '--json'))).toMatchObject({ name: 'alice', disabled: true });
    expect(await json(asAdmin('operators', 'enable', 'alice', '--json'))).toMatchObject({ name: 'alice', disabled: false, role: 'support' });

    const reset = await json(asAdmin('operators', 'reset-password', 'alice', '--json'));
    expect(reset).toMatchObject({ name: 'alice', password: expect.stringMatching(/^[A-Za-z2-9]{24}$/) });
    expect(reset.password).not.toBe(added.password);
    passwords.set('alice', reset.password);
    // The old one-time password no longer signs in.
    const old = await login(await newDataDir(), 'alice', added.password);
    expect(old.code).toBe(10);
    expect(old.stderr).toBe('tenantctl: Wrong operator name or password.\n');
  });

  it('refuses the last admin being demoted or disabled (exit 6) and bad arguments', async () => {
    const adminName = admin.TENANT_CONSOLE_OPERATOR!;
    const cases: { args: string[]; code: number; line: RegExp }[] = [
      { args: ['operators', 'role', adminName, 'viewer'], code: 6, line: /admin/i },
      { args: ['operators', 'disable', adminName], code: 6, line: /admin/i },
      { args: ['operators', 'add', 'mallory', '--role', 'boss'], code: 2, line: /Role must be one of viewer, support, billing, admin/ },
      { args: ['operators', 'add', 'Bad-Name', '--role', 'viewer'], code: 2, line: /operator name starts with a letter/ },
      { args: ['operators', 'add', 'mallory'], code: 2, line: /required option '--role <role>'/ },
      { args: ['operators', 'add', 'alice', '--role', 'viewer'], code: 5, line: /already exists/ },
      { args: ['operators', 'role', 'nobody', 'viewer'], code: 3, line: /No operator named nobody/ },
      { args: ['operators', 'reset-password', 'nobody'], code: 3, line: /No operator named nobody/ },
    ];
    for (const { args, code, line } of cases) {
      const run = await asAdmin(...args);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(code);
      expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(run.stderr, args.join(' ')).toMatch(line);
    }
    expect(await json(asAdmin('operators', 'list', '--json'))).toContainEqual(expect.objectContaining({ name: adminName, role: 'admin', disabled: false }));
    const refused = await asAdmin('operators', 'disable', adminName, '--json');
    expect(JSON.parse(refused.stdout).error.code).toBe('INVALID_STATE');
  });

  it('login --server with the password on stdin: later commands run as that support operator, and its role decides (exit 8)', async () => {
    const dir = await newDataDir();
    const signedIn = await login(dir, 'alice', passwords.get('alice')!, '--json');
    expect(signedIn.code, signedIn.stderr).toBe(0);
    const identity = {
      operator: 'alice',
      role: 'support',
      db_role: expect.stringMatching(/^tc_op_alice/),
      server: `127.0.0.1:${new URL(url).port}`,
      platform_database: platformDatabase,
    };
    expect(JSON.parse(signedIn.stdout)).toEqual({ ...identity, signed_in_by: 'password' });
    // Kept in the data folder's secret store, readable by this OS user only.
    expect((await stat(join(dir, 'secrets.json'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dir, 'secrets.json'), 'utf8')).toContain(url.split('?')[0]);

    // Later commands: no TENANT_CONSOLE_DATABASE_URL, no password — the kept server and sign-in.
    const as = (...args: string[]) => runCliInProcess(args, keptServerEnv(dir));
    expect(await json(as('whoami', '--json'))).toEqual({ ...identity, signed_in_by: 'remembered' });
    const whoami = await as('whoami');
    expect(whoami.stdout).toMatch(/Operator\s+alice\n/);
    expect(whoami.stdout).toMatch(/Role\s+support\n/);

    const suspended = await as('suspend', tenantCode, '--reason', 'Support ticket 42', '--json');
    expect(suspended.code, suspended.stderr).toBe(0);
    expect(JSON.parse(suspended.stdout)).toMatchObject({ tenant_code: tenantCode, status: 'suspended' });
    expect((await as('activate', tenantCode)).code).toBe(0);

    const refusals: [string[], string][] = [
      [['invoices', 'pay', 'INV-000001', '--amount-cents', '100', '--method', 'cash'], 'permission denied: support may not record payments'],
      [['delete', tenantCode, '--confirm', tenantCode], 'permission denied: support may not delete tenants'],
      [['operators', 'list'], 'permission denied: support may not list operators'],
    ];
    for (const [args, message] of refusals) {
      const run = await as(...args);
      expect(run.code, run.stderr).toBe(8);
      expect(run.stderr).toBe(`tenantctl: ${message}\n`);
      const asJson = await as(...args, '--json');
      expect(JSON.parse(asJson.stdout)).toEqual({ error: { code: 'FORBIDDEN', message } });
    }
    expect(await json(as('show', tenantCode, '--json'))).toMatchObject({ tenant_code: tenantCode, status: 'active' });

    // The audit trail names the operator and the role it acted with.
    const events = await json(as('audit', 'list', '--operator', 'alice', '--json'));
    const seen = events.map((event: { action: string; outcome: string; operator: string; operator_role: string | null }) => [event.action, event.outcome, event.operator, event.operator_role]);
    expect(seen).toEqual(
      expect.arrayContaining([
        ['tenants:suspend', 'ok', 'alice', 'support'],
        ['tenants:delete', 'FORBIDDEN', 'alice', 'support'],
        ['invoices:recordPayment', 'FORBIDDEN', 'alice', 'support'],
      ]),
    );
    expect(events.every((event: { operator: string }) => event.operator === 'alice')).toBe(true);
    const table = await as('audit', 'list', '--operator', 'alice');
    expect(table.stdout).toMatch(/OPERATOR\s+ROLE/);
    expect(table.stdout).toMatch(/tenants:suspend\s+\S+\s+ok\s+alice \(\S+\)\s+support/);
  });

  it('a viewer may read but not create tenants (exit 8)', async () => {
    const dir = await newDataDir();
    expect((await login(dir, 'victor', passwords.get('victor')!)).code).toBe(0);
    const as = (...args: string[]) => runCliInProcess(args, keptServerEnv(dir));
    expect((await json(as('list', '--json'))).tenants).toContainEqual(expect.objectContaining({ tenant_code: tenantCode }));
    const created = await as('create', '--company', 'Viewer Corp', '--subdomain', 'viewer-corp', '--plan', 'starter', '--email', 'v@example.com');
    expect(created.code).toBe(8);
    expect(created.stderr).toBe('tenantctl: permission denied: viewer may not create tenants\n');
    const suspended = await as('suspend', tenantCode, '--reason', 'no');
    expect(suspended.stderr).toBe('tenantctl: permission denied: viewer may not suspend tenants\n');
  });

  it('a wrong password exits 10 with the message, and so do too many in a row (with the wait)', async () => {
    await addOperator('trudy', 'viewer');
    const dir = await newDataDir();
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const wrong = await login(dir, 'trudy', `not-the-password-${attempt}`);
      expect(wrong.code).toBe(10);
      expect(wrong.stderr).toBe('tenantctl: Wrong operator name or password.\n');
    }
    // The right password now waits: PostgreSQL is not even asked until the wait is over.
    const throttled = await login(dir, 'trudy', passwords.get('trudy')!, '--json');
    expect(throttled.code).toBe(10);
    expect(JSON.parse(throttled.stdout).error).toEqual({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/^Too many wrong passwords for trudy: try again in \d+ s\.$/) });
    // Nothing was kept: not the sign-in, not the server.
    expect((await runCliInProcess(['whoami'], envFor(dir))).code).toBe(10);
    await expect(stat(join(dir, 'secrets.json'))).rejects.toThrow(/ENOENT/);

    const empty = await login(dir, 'trudy', '');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/Enter the password/);
    const badServer = await runCliInProcess(['login', '--server', 'http://example.com'], keptServerEnv(dir), { stdin: 'x\n' });
    expect(badServer.code).toBe(2);
    expect(badServer.stderr).toMatch(/--server must start with postgres:\/\//);
  });

  it('signs in from TENANT_CONSOLE_OPERATOR and TENANT_CONSOLE_PASSWORD, as cron does', async () => {
    const dir = await newDataDir();
    const cron = (password: string, ...args: string[]) =>
      runCliInProcess(args, envFor(dir, { TENANT_CONSOLE_OPERATOR: 'alice', TENANT_CONSOLE_PASSWORD: password }));
    expect(await json(cron(passwords.get('alice')!, 'whoami', '--json'))).toMatchObject({ operator: 'alice', role: 'support', signed_in_by: 'environment' });
    expect((await cron(passwords.get('alice')!, 'usage', 'collect', '--json')).code).toBe(0);
    expect((await cron(passwords.get('alice')!, 'plan', 'set', tenantCode, 'professional')).code).toBe(8);

    const wrong = await cron('wrong-password', 'list');
    expect(wrong.code).toBe(10);
    expect(wrong.stderr).toBe('tenantctl: Wrong operator name or password.\n');
    const noPassword = await runCliInProcess(['list'], envFor(dir, { TENANT_CONSOLE_OPERATOR: 'alice' }));
    expect(noPassword.code).toBe(10);
    expect(noPassword.stderr).toMatch(/TENANT_CONSOLE_PASSWORD is not/);
  });

  it('nobody signed in exits 10; logout forgets the sign-in, and with --forget-server the server', async () => {
    const dir = await newDataDir();
    const nobody = await runCliInProcess(['whoami', '--json'], envFor(dir));
    expect(nobody.code).toBe(10);
    expect(JSON.parse(nobody.stdout).error).toEqual({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/^Not signed in: run `tenantctl login`/) });
    expect((await runCliInProcess(['list'], envFor(dir))).code).toBe(10);

    expect((await login(dir, 'victor', passwords.get('victor')!)).code).toBe(0);
    expect((await runCliInProcess(['list', '--json'], keptServerEnv(dir))).code).toBe(0);
    expect(await json(runCliInProcess(['logout', '--json'], keptServerEnv(dir)))).toEqual({ forgot_operator: 'victor', forgot_server: null });
    // The sign-out is audited as the operator's.
    expect(await json(asAdmin('audit', 'list', '--operator', 'victor', '--json'))).toContainEqual(expect.objectContaining({ action: 'session:signOut', outcome: 'ok', operator: 'victor' }));
    const secrets = await readFile(join(dir, 'secrets.json'), 'utf8');
    expect(secrets).not.toContain(passwords.get('victor')!);
    expect(secrets).toContain(url.split('?')[0]);
    // The kept server still answers the next command (never a new embedded server): exit 10.
    const after = await runCliInProcess(['list'], keptServerEnv(dir));
    expect(after.code).toBe(10);
    expect(after.stderr).toBe('tenantctl: Not signed in: run `tenantctl login`, or set TENANT_CONSOLE_OPERATOR and TENANT_CONSOLE_PASSWORD.\n');

    expect((await login(dir, 'victor', passwords.get('victor')!)).code).toBe(0);
    const forgot = await runCliInProcess(['logout', '--forget-server'], keptServerEnv(dir));
    expect(forgot.stdout).toBe(`Signed out: forgot the sign-in of victor on 127.0.0.1:${new URL(url).port}.\nForgot the server 127.0.0.1:${new URL(url).port}: the next \`tenantctl login\` needs --server again (or TENANT_CONSOLE_DATABASE_URL).\n`);
    expect(await readFile(join(dir, 'secrets.json'), 'utf8')).not.toContain(url.split('?')[0]);
    expect((await runCliInProcess(['logout'], envFor(dir))).stdout).toBe('No kept sign-in to forget.\n');
  });

  it("a disabled operator's kept sign-in stops working (exit 10, saying why)", async () => {
    await addOperator('dora', 'support');
    const dir = await newDataDir();
    expect((await login(dir, 'dora', passwords.get('dora')!)).code).toBe(0);
    expect((await runCliInProcess(['list'], keptServerEnv(dir))).code).toBe(0);

    expect((await asAdmin('operators', 'disable', 'dora')).stdout).toMatch(/Disabled dora/);
    for (const args of [['list'], ['whoami']]) {
      const run = await runCliInProcess(args, keptServerEnv(dir));
      expect(run.code, args.join(' ')).toBe(10);
      expect(run.stderr).toMatch(/^tenantctl: Not signed in \(the stored sign-in of dora was refused\)\. The operator dora is disabled/);
    }
    await asAdmin('operators', 'enable', 'dora');
    expect(await json(runCliInProcess(['whoami', '--json'], keptServerEnv(dir)))).toMatchObject({ operator: 'dora', signed_in_by: 'remembered' });
  });

  it('explains the commands, their flags and exit codes 8 and 10 in --help (no core opened)', async () => {
    const help = async (...args: string[]) => {
      const run = await runCliInProcess([...args, '--help'], {});
      expect(run.code).toBe(0);
      return run.stdout;
    };
    const root = await help();
    for (const command of ['login', 'logout', 'whoami', 'operators']) expect(root).toMatch(new RegExp(`\\n\\s+${command}\\b`));
    expect(root).toMatch(/8 permission denied/);
    expect(root).toMatch(/10 not signed in/);
    expect(await help('login')).toMatch(/--server <url>[\s\S]*--operator <name>[\s\S]*first line/);
    const operators = await help('operators');
    for (const command of ['list', 'add', 'role', 'disable', 'enable', 'reset-password']) expect(operators).toMatch(new RegExp(`\\n\\s+${command}\\b`));
    expect(await help('operators', 'add')).toMatch(/--role <role>\s+viewer, support, billing or admin/);
    expect(await help('audit', 'list')).toMatch(/--operator <name>/);
  });

  it('the real bin: operators list, and login with the password piped on stdin', async () => {
    const listed = await runTenantctl(['operators', 'list', '--json'], envFor(adminDir, admin));
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toContainEqual(expect.objectContaining({ name: 'alice', role: 'support' }));

    const dir = await newDataDir();
    const signedIn = await runTenantctl(['login', '--server', url, '--operator', 'victor'], keptServerEnv(dir), 120_000, `${passwords.get('victor')!}\nignored second line\n`);
    expect(signedIn.code, signedIn.stderr).toBe(0);
    expect(signedIn.stdout).toMatch(/^Signed in as victor \(viewer\)/);
    expect(signedIn.stdout + signedIn.stderr).not.toContain(passwords.get('victor')!);
    expect(await json(runCliInProcess(['whoami', '--json'], keptServerEnv(dir)))).toMatchObject({ operator: 'victor', signed_in_by: 'remembered' });
  });
});
