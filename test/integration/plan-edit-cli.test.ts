import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleCore } from '../../src-main/app/console-core';
import { runCliInProcess } from '../support/run-cli';
import { call } from '../support/core-calls';
import { dropTestPlatform, embeddedTarget, openTestCore, operatorEnv, uniquePlatformDatabase } from '../support/servers';

/** `tenantctl plan edit CODE …`: a new plan version with the pricing model, trial and support tier asked for, printed. */
describe('tenantctl plan edit', () => {
  let url: string;
  let dataDir: string;
  let core: ConsoleCore;
  let operator: Record<string, string> = {};
  const platformDatabase = uniquePlatformDatabase('planedit');
  const tenantctl = (...args: string[]) =>
    runCliInProcess(args, { TENANT_CONSOLE_DATABASE_URL: url, TENANT_CONSOLE_PLATFORM_DATABASE: platformDatabase, TENANT_CONSOLE_DATA_DIR: dataDir, ...operator });

  beforeAll(async () => {
    url = embeddedTarget().url;
    dataDir = await mkdtemp(join(tmpdir(), 'tc-plan-edit-cli-'));
    core = await openTestCore(url, platformDatabase);
    operator = await operatorEnv(core);
  });
  afterAll(async () => {
    await core?.close();
    await dropTestPlatform(url, platformDatabase);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('makes a per-user version with trial and support tier, prints it as text and snake_case JSON', async () => {
    const text = await tenantctl('plan', 'edit', 'professional', '--pricing-model', 'per_user', '--price-cents', '0', '--unit-price-cents', '1500',
      '--included-units', '3', '--trial-days', '30', '--trial-card-required', '--support-tier', 'priority 8 h');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('Professional (professional v2, current)');
    expect(text.stdout).toContain('per_user: 15.00 USD per user per month, 3 users included');
    expect(text.stdout).toContain('30 days, card required up front');
    expect(text.stdout).toContain('priority 8 h');

    const json = await tenantctl('plan', 'edit', 'professional', '--pricing-model', 'base_plus_usage', '--price-cents', '9900', '--unit-price-cents', '2',
      '--included-units', '5000', '--no-trial-card-required', '--name', 'Professional Usage', '--json');
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      code: 'professional', version: 3, name: 'Professional Usage', pricing_model: 'base_plus_usage', price_cents: 9900, unit_price_cents: 2,
      included_units: 5000, trial_days: 30, trial_card_required: false, support_level: 'priority 8 h', is_current: true,
    });
    // Back to flat: the unit price and included units go with the model.
    const flat = await tenantctl('plan', 'edit', 'professional', '--pricing-model', 'flat', '--price-cents', '19900', '--json');
    expect(JSON.parse(flat.stdout)).toMatchObject({ version: 4, pricing_model: 'flat', unit_price_cents: null, included_units: 0, price_cents: 19900 });
  });

  it('refuses a bad model, a bad number or an impossible combination with a clear error, adding no version', async () => {
    const before = (await call(core, 'plans:versions', { code: 'starter' })).length;
    const badModel = await tenantctl('plan', 'edit', 'starter', '--pricing-model', 'per_seat');
    expect(badModel.code).not.toBe(0);
    expect(badModel.stderr).toContain('Pricing model must be one of flat, per_user, per_company, per_transaction, base_plus_usage.');
    const badCents = await tenantctl('plan', 'edit', 'starter', '--unit-price-cents', '-5');
    expect(badCents.code).not.toBe(0);
    const noUnit = await tenantctl('plan', 'edit', 'starter', '--pricing-model', 'per_company', '--price-cents', '0', '--json');
    expect(noUnit.code).not.toBe(0);
    expect(JSON.parse(noUnit.stdout)).toEqual({ error: { code: 'VALIDATION', message: 'Plan starter: A per_company plan needs a unit price above 0.' } });
    const nothing = await tenantctl('plan', 'edit', 'starter', '--json');
    expect(JSON.parse(nothing.stdout).error.code).toBe('VALIDATION');
    expect((await call(core, 'plans:versions', { code: 'starter' })).length).toBe(before);
  });
});
