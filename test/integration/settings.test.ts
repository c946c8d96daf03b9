import { describe, expect, it } from 'vitest';
import { call, callError, uniqueTenantInput } from '../support/core-calls';
import { serverCases, useTestPlatform } from '../support/servers';
import { tenantAdminClient } from '../support/backup-fixtures';
import { DEFAULT_LIMIT_WARNING_PERCENT } from '../../src-main/settings/setting-definitions';
import { readSetting } from '../../src-main/settings/settings-store';

describe.each(await serverCases('settings'))('console settings on $name', (serverCase) => {
  const platform = useTestPlatform(serverCase, 'settings');

  it.skipIf(serverCase.skip)('a new warning threshold reaches the dashboards and every tenant database', async () => {
    const { tenant } = await call(platform.core, 'tenants:create', uniqueTenantInput('starter', 'Threshold Test'));
    const settings = await call(platform.core, 'settings:update', { limitWarningPercent: 60, usageCollectionIntervalHours: 6 });
    expect(settings).toMatchObject({ limitWarningPercent: 60, usageCollectionIntervalHours: 6 });
    expect(await call(platform.core, 'settings:get', {})).toEqual(settings);

    const client = await tenantAdminClient(platform.url, tenant.databaseName);
    try {
      const { rows } = await client.query<{ warning_percent: number }>('SELECT DISTINCT warning_percent FROM platform.limits');
      expect(rows).toEqual([{ warning_percent: 60 }]);
    } finally {
      await client.end();
    }
    expect((await call(platform.core, 'tenants:limits', { ref: tenant.tenantCode })).warningPercent).toBe(60);
  });

  it.skipIf(serverCase.skip)('a settings row edited by hand that does not parse reads as its default, for every reader', async () => {
    const { pool } = platform.core.platform;
    await pool.query(`UPDATE settings SET value = '"lots"' WHERE key = 'limit_warning_percent'`);
    try {
      expect((await call(platform.core, 'settings:get', {})).limitWarningPercent).toBe(DEFAULT_LIMIT_WARNING_PERCENT);
      expect((await call(platform.core, 'usage:fleet', { days: 30 })).warningPercent).toBe(DEFAULT_LIMIT_WARNING_PERCENT);
    } finally {
      await call(platform.core, 'settings:update', { limitWarningPercent: DEFAULT_LIMIT_WARNING_PERCENT });
    }
  });

  it.skipIf(serverCase.skip)('refuses a threshold, interval or spare count out of range and changes nothing', async () => {
    const before = await call(platform.core, 'settings:get', {});
    expect((await callError(platform.core, 'settings:update', { limitWarningPercent: 0 })).message).toMatch(/percentage from 1 to 100/);
    expect((await callError(platform.core, 'settings:update', { usageCollectionIntervalHours: 1000 })).message).toMatch(/720 hours/);
    for (const spareDatabasesPerPlan of [-1, 11, 1.5]) {
      expect((await callError(platform.core, 'settings:update', { spareDatabasesPerPlan })).message).toMatch(/whole number from 0 to 10 of spare databases per plan/);
    }
    for (const sessionIdleMinutes of [0, 1441, 2.5]) {
      expect((await callError(platform.core, 'settings:update', { sessionIdleMinutes })).code).toBe('VALIDATION');
    }
    expect(await call(platform.core, 'settings:get', {})).toEqual(before);
  });

  it.skipIf(serverCase.skip)('the host-mode idle time is a console setting that the browser sessions read', async () => {
    expect((await call(platform.core, 'settings:get', {})).sessionIdleMinutes).toBe(30);
    try {
      expect(await call(platform.core, 'settings:update', { sessionIdleMinutes: 5 })).toMatchObject({ sessionIdleMinutes: 5 });
      // What OperatorSessions reads for the idle expiry of browser sessions.
      expect(await readSetting(platform.core.platform.pool, 'sessionIdleMinutes')).toBe(5);
    } finally {
      await call(platform.core, 'settings:update', { sessionIdleMinutes: 30 });
    }
  });

  it.skipIf(serverCase.skip)('the sign-up settings are console settings: shown, changed within their ranges, read by the sign-up code', async () => {
    expect(await call(platform.core, 'settings:get', {})).toMatchObject({ signupRequestsPerHour: 5, signupInvitationDays: 7, onboardingStalledDays: 3 });
    const before = await call(platform.core, 'settings:get', {});
    for (const [name, bad, words] of [
      ['signupRequestsPerHour', 0, /from 1 to 10000/],
      ['signupRequestsPerHour', 10_001, /from 1 to 10000/],
      ['signupInvitationDays', 91, /from 1 to 90/],
      ['onboardingStalledDays', 1.5, /from 1 to 365/],
    ] as const) {
      const error = await callError(platform.core, 'settings:update', { [name]: bad });
      expect(error.code).toBe('VALIDATION');
      expect(error.message).toMatch(words);
    }
    expect(await call(platform.core, 'settings:get', {})).toEqual(before);
    try {
      expect(await call(platform.core, 'settings:update', { signupRequestsPerHour: 50, signupInvitationDays: 14, onboardingStalledDays: 10 })).toMatchObject({
        signupRequestsPerHour: 50,
        signupInvitationDays: 14,
        onboardingStalledDays: 10,
      });
      // What src-main/signups reads.
      expect(await readSetting(platform.core.platform.pool, 'signupRequestsPerHour')).toBe(50);
      expect(await readSetting(platform.core.platform.pool, 'signupInvitationDays')).toBe(14);
      expect(await readSetting(platform.core.platform.pool, 'onboardingStalledDays')).toBe(10);
    } finally {
      await call(platform.core, 'settings:update', { signupRequestsPerHour: 5, signupInvitationDays: 7, onboardingStalledDays: 3 });
    }
  });
});
