import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { localOperatorName } from '../../src-main/operators/operator-sessions';
import { FREE_ATTEMPTS } from '../../src-main/operators/sign-in';
import { permissionDeniedMessage } from '../../src-shared/contract/operator-roles';
import { call, callError } from '../support/core-calls';
import { openCapturingCore, operatorClient, ownerClient } from '../support/operator-world';
import { dropTestPlatform, serverCases, uniquePlatformDatabase } from '../support/servers';

/**
 * Managing operators through the core, on real PostgreSQL: the first run's local admin, the
 * last-admin guard, disable/enable and password resets that really end PostgreSQL sessions,
 * the sign-in slow-down, the wrong password refused even where pg_hba.conf trusts TCP (the
 * external server here), platforms that share a server but not operators, the one-time
 * password gate, and role changes PostgreSQL applies to the very next call.
 */

const cases = await serverCases('operator management');

async function sessionsOf(admin: pg.Client, dbRole: string): Promise<number> {
  const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1', [dbRole]);
  return rows[0]!.n;
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(cases)('operators — $name', (serverCase) => {
  const platformDatabase = uniquePlatformDatabase('operators');
  let url = '';
  let core: ConsoleCore;
  let admin: pg.Client;

  const signIn = (operator: string, password: string, browser = true) => core.sessions.signIn({ operator, password, remember: false, local: false }, browser);
  const signInError = async (operator: string, password: string) => {
    const error = await signIn(operator, password).then(
      () => null,
      (caught: unknown) => caught as Error & { code?: string },
    );
    if (!error) throw new Error(`${operator} signed in unexpectedly`);
    return error;
  };
  const asToken = (token: string, channel: string, input: unknown, origin: 'test' | 'host' | 'ipc' | 'cli' = 'test') => core.dispatch(channel, input, { origin, browserToken: token });

  beforeAll(async () => {
    if (serverCase.skip) return;
    url = serverCase.target().url;
    ({ core } = await openCapturingCore(url, platformDatabase));
    admin = await ownerClient(url, platformDatabase);
  }, 60_000);

  afterAll(async () => {
    if (serverCase.skip) return;
    await admin?.end();
    await core?.close();
    await dropTestPlatform(url, platformDatabase);
  });

  it.skipIf(serverCase.skip)('first run: creates the local admin and signs it in silently; the next start signs in with the same one', async () => {
    const current = core.sessions.current;
    expect(current).toMatchObject({ operator: localOperatorName(), signedInBy: 'local' });
    const operators = await call(core, 'operators:list', {});
    expect(operators).toEqual([expect.objectContaining({ name: localOperatorName(), role: 'admin', disabled: false, mustChangePassword: false })]);
    const state = await call(core, 'session:current', {});
    expect(state.session).toMatchObject({ operator: localOperatorName(), role: 'admin', mustChangePassword: false, signedInBy: 'local' });

    const again = await openCapturingCore(url, platformDatabase);
    try {
      expect(again.core.sessions.current).toMatchObject({ operator: localOperatorName(), signedInBy: 'local' });
      expect(await call(again.core, 'operators:list', {})).toHaveLength(1);
    } finally {
      await again.core.close();
    }
  });

  it.skipIf(serverCase.skip)('the last admin cannot be demoted or disabled; with a second admin it can', async () => {
    const me = localOperatorName();
    expect(await callError(core, 'operators:setRole', { name: me, role: 'viewer' })).toMatchObject({ code: 'INVALID_STATE', message: expect.stringContaining('last admin') });
    expect(await callError(core, 'operators:disable', { name: me })).toMatchObject({ code: 'INVALID_STATE', message: expect.stringContaining('last admin') });
    const second = await call(core, 'operators:add', { name: 'second_admin', role: 'admin' });
    // A disabled admin does not count: the guard looks for another enabled one.
    await call(core, 'operators:disable', { name: second.name });
    expect(await callError(core, 'operators:setRole', { name: me, role: 'support' })).toMatchObject({ code: 'INVALID_STATE' });
    await call(core, 'operators:enable', { name: second.name });
    expect(await call(core, 'operators:setRole', { name: second.name, role: 'billing' })).toMatchObject({ role: 'billing' });
    await call(core, 'operators:setRole', { name: second.name, role: 'admin' });
    expect(await call(core, 'operators:setRole', { name: me, role: 'support' })).toMatchObject({ role: 'support' });
    // Now `second` is the last admin; our own session lost admin at once (next call).
    expect(await callError(core, 'operators:list', {})).toMatchObject({ code: 'FORBIDDEN', message: permissionDeniedMessage('support', 'operators:list') });
    const { token } = await signIn(second.name, second.password);
    expect(await asToken(token!, 'operators:setRole', { name: me, role: 'admin' })).toMatchObject({ ok: true });
    expect(await asToken(token!, 'operators:disable', { name: second.name })).toMatchObject({ ok: true });
    expect(await callError(core, 'operators:disable', { name: me })).toMatchObject({ code: 'INVALID_STATE' });
  });

  it.skipIf(serverCase.skip)('disable ends the operator’s open sessions (console and psql alike) and refuses sign-in; enable lets it back', async () => {
    const added = await call(core, 'operators:add', { name: 'disable_me', role: 'support' });
    const { token } = await signIn(added.name, added.password);
    expect(await asToken(token!, 'tenants:list', {})).toMatchObject({ ok: true });
    const psql = await operatorClient(url, platformDatabase, added.dbRole, added.password);
    psql.on('error', () => undefined);
    expect(await sessionsOf(admin, added.dbRole)).toBeGreaterThanOrEqual(2);

    expect(await call(core, 'operators:disable', { name: added.name })).toMatchObject({ disabled: true });
    await eventually(async () => (await sessionsOf(admin, added.dbRole)) === 0, 'the disabled operator’s sessions to end');
    await expect(psql.query('SELECT 1')).rejects.toThrow();
    await psql.end().catch(() => undefined);
    // Its browser session is gone, and PostgreSQL itself refuses a new login (NOLOGIN).
    expect(await asToken(token!, 'tenants:list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await signInError(added.name, added.password)).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringContaining('disabled') });
    await expect(operatorClient(url, platformDatabase, added.dbRole, added.password)).rejects.toThrow(/not permitted to log in/);

    expect(await call(core, 'operators:enable', { name: added.name })).toMatchObject({ disabled: false });
    const back = await signIn(added.name, added.password);
    expect(await asToken(back.token!, 'tenants:list', {})).toMatchObject({ ok: true });
  });

  it.skipIf(serverCase.skip)('reset password ends the sessions, refuses the old password and asks interactive sign-ins for a new one', async () => {
    const added = await call(core, 'operators:add', { name: 'reset_me', role: 'viewer' });
    const first = await signIn(added.name, added.password);
    expect(await asToken(first.token!, 'tenants:list', {})).toMatchObject({ ok: true });
    const reset = await call(core, 'operators:resetPassword', { name: added.name });
    expect(reset).toMatchObject({ name: added.name, mustChangePassword: true });
    expect(reset.password).not.toBe(added.password);
    await eventually(async () => (await sessionsOf(admin, added.dbRole)) === 0, 'the reset operator’s sessions to end');
    expect(await asToken(first.token!, 'tenants:list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(await signInError(added.name, added.password)).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Wrong operator name or password.' });

    // The one-time password: the browser (host) and the desktop window (ipc) must choose a new one first …
    const { token } = await signIn(added.name, reset.password);
    for (const origin of ['host', 'ipc'] as const) {
      expect(await asToken(token!, 'tenants:list', {}, origin)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED', message: expect.stringContaining('one-time password') } });
    }
    // … the CLI and tests are not held up …
    expect(await asToken(token!, 'tenants:list', {}, 'cli')).toMatchObject({ ok: true });
    // … and neither is automation signed in with TENANT_CONSOLE_OPERATOR/PASSWORD, whatever its origin.
    const automation = await openCapturingCore(url, platformDatabase, { TENANT_CONSOLE_OPERATOR: added.name, TENANT_CONSOLE_PASSWORD: reset.password });
    try {
      expect(automation.core.sessions.current).toMatchObject({ operator: added.name, signedInBy: 'environment' });
      expect(await automation.core.dispatch('tenants:list', {}, { origin: 'ipc' })).toMatchObject({ ok: true });
    } finally {
      await automation.core.close();
    }
    // Choosing a new password lifts the gate; the new one works, the one-time one no longer.
    expect(await asToken(token!, 'session:changePassword', { currentPassword: reset.password, newPassword: 'Reset-me-new-password-42' }, 'host')).toMatchObject({ ok: true });
    expect(await asToken(token!, 'tenants:list', {}, 'host')).toMatchObject({ ok: true });
    expect(await signInError(added.name, reset.password)).toMatchObject({ code: 'UNAUTHENTICATED' });
    await signIn(added.name, 'Reset-me-new-password-42');
  });

  it.skipIf(serverCase.skip)('five wrong passwords in a row: the next attempt waits, refused before the password is even tried; a success resets the count', async () => {
    const added = await call(core, 'operators:add', { name: 'throttled', role: 'viewer' });
    const failures = async () => (await admin.query<{ n: number }>('SELECT failed_sign_ins AS n FROM operators WHERE name = $1', [added.name])).rows[0]!.n;

    // Four wrong, one right: the count starts again.
    for (let attempt = 0; attempt < FREE_ATTEMPTS - 1; attempt += 1) expect(await signInError(added.name, 'wrong-password-123')).toMatchObject({ message: 'Wrong operator name or password.' });
    expect(await failures()).toBe(FREE_ATTEMPTS - 1);
    await signIn(added.name, added.password);
    expect(await failures()).toBe(0);

    for (let attempt = 0; attempt < FREE_ATTEMPTS; attempt += 1) expect(await signInError(added.name, 'wrong-password-123')).toMatchObject({ message: 'Wrong operator name or password.' });
    // Even the right password is refused now, without PostgreSQL being asked (no new failure counted).
    const waited = await signInError(added.name, added.password);
    expect(waited).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/^Too many wrong passwords for throttled: try again in [12] s\.$/) });
    expect(await failures()).toBe(FREE_ATTEMPTS);
    // The wait has passed (as if 2 s went by): the right password gets in and the count resets.
    await admin.query("UPDATE operators SET last_failed_at = now() - interval '1 minute' WHERE name = $1", [added.name]);
    await signIn(added.name, added.password);
    expect(await failures()).toBe(0);
  });

  it.skipIf(serverCase.skip)('a wrong password is refused even where pg_hba.conf trusts the connection (the stored SCRAM verifier decides)', async () => {
    const added = await call(core, 'operators:add', { name: 'trust_check', role: 'viewer' });
    // What the server itself does with a wrong password over TCP: on the external server
    // (trust for 127.0.0.1) it lets the connection in; on the embedded one (scram) it refuses.
    const direct = await operatorClient(url, platformDatabase, added.dbRole, 'not-the-password-1').then(
      async (client) => {
        await client.end();
        return 'accepted';
      },
      () => 'refused',
    );
    console.log(`[operators] ${serverCase.name}: a wrong password over TCP is ${direct} by the server itself`);
    expect(await signInError(added.name, 'not-the-password-1')).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Wrong operator name or password.' });
    expect(await signInError(added.name, '')).toMatchObject({ code: 'UNAUTHENTICATED' });
    // And through the contract, as the sign-in screen sends it.
    const viaContract = await core.dispatch('session:signIn', { operator: added.name, password: 'not-the-password-1' }, { origin: 'host' });
    expect(viaContract).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    await signIn(added.name, added.password);
  });

  it.skipIf(serverCase.skip)('two platforms on one server do not share operators', async () => {
    const otherDatabase = uniquePlatformDatabase('operatorsb');
    const other = await openCapturingCore(url, otherDatabase);
    try {
      const here = await call(core, 'operators:add', { name: 'shared_name', role: 'admin' });
      const there = await call(other.core, 'operators:add', { name: 'shared_name', role: 'viewer' });
      expect(there.dbRole).not.toBe(here.dbRole);
      // Each platform's operator signs in to its own platform only, with its own password.
      await expect(other.core.sessions.signIn({ operator: 'shared_name', password: here.password, remember: false, local: false }, true)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      await expect(other.core.sessions.signIn({ operator: 'reset_me', password: 'Reset-me-new-password-42', remember: false, local: false }, true)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      const { token } = await other.core.sessions.signIn({ operator: 'shared_name', password: there.password, remember: false, local: false }, true);
      expect(await other.core.dispatch('tenants:list', {}, { origin: 'test', browserToken: token })).toMatchObject({ ok: true });
      expect((await call(other.core, 'operators:list', {})).map((operator) => operator.name).sort()).toEqual([localOperatorName(), 'shared_name'].sort());
      // PostgreSQL agrees: this platform's operator has no CONNECT on the other platform's database.
      await expect(operatorClient(url, otherDatabase, here.dbRole, here.password)).rejects.toThrow(/permission denied for database|CONNECT privilege/);
    } finally {
      await other.core.close();
      await dropTestPlatform(url, otherDatabase);
    }
  });

  it.skipIf(serverCase.skip)('a role change applies to the very next call (PostgreSQL is asked every time, nothing cached)', async () => {
    const added = await call(core, 'operators:add', { name: 'promoted', role: 'viewer' });
    const { token } = await signIn(added.name, added.password);
    const update = () => asToken(token!, 'settings:update', { cancellationRetentionDays: 31 });
    expect(await update()).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: permissionDeniedMessage('viewer', 'settings:update') } });
    await call(core, 'operators:setRole', { name: added.name, role: 'admin' });
    expect(await update()).toMatchObject({ ok: true });
    await call(core, 'operators:setRole', { name: added.name, role: 'billing' });
    expect(await update()).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: permissionDeniedMessage('billing', 'settings:update') } });
    // Out of band too (a DBA with psql): the console sees PostgreSQL's memberships, not a copy.
    await admin.query(`GRANT tc_admin TO ${added.dbRole}`);
    expect(await update()).toMatchObject({ ok: true });
    await admin.query(`REVOKE tc_admin FROM ${added.dbRole}`);
    expect(await update()).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});
