import { beforeAll, describe, expect, it } from 'vitest';
import type { TenantCredentials } from '../../src-shared/contract/models';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { call, uniqueTenantInput } from '../support/core-calls';
import { serverCases, useTestPlatform } from '../support/servers';
import { tenantConnectError } from '../support/tenant-clients';

describe.each(await serverCases('isolation'))('isolation matrix on $name', (serverCase) => {
  const { skip } = serverCase;
  const platform = useTestPlatform(serverCase, 'iso');
  const { platformDatabase } = platform;
  let core: ConsoleCore;
  const tenants: TenantCredentials[] = [];

  beforeAll(async () => {
    if (skip) return;
    ({ core } = platform);
    for (const company of ['Isolation Alpha', 'Isolation Beta', 'Isolation Gamma']) {
      tenants.push((await call(core, 'tenants:create', uniqueTenantInput('starter', company))).credentials);
    }
  });

  it.skipIf(skip)('lets every tenant role into its own database only', async () => {
    const outcomes: string[] = [];
    for (const who of tenants) {
      for (const where of tenants) {
        const error = await tenantConnectError(who, where.database);
        if (who === where) {
          expect(error, `${who.user} → own database`).toBeNull();
        } else {
          // 42501: permission denied for database (CONNECT not granted).
          expect(error, `${who.user} → ${where.database}`).toMatchObject({ code: '42501' });
          outcomes.push(`${who.user}→${where.database}: refused`);
        }
      }
      const platform = await tenantConnectError(who, platformDatabase);
      expect(platform, `${who.user} → platform database`).toMatchObject({ code: '42501' });
      const template = await tenantConnectError(who, core.platform.primary.templateDatabase);
      expect(template, `${who.user} → template`).not.toBeNull();
    }
    expect(outcomes).toHaveLength(tenants.length * (tenants.length - 1));
  });
});
