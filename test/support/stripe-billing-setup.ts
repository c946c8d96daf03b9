/**
 * A console core whose billing talks to the tests' FAKE Stripe API (an external service out
 * of reach here), sharing one ManualClock with it; its own data folder (secrets file, log
 * file, cache), so the Stripe key can be looked for in everything the console wrote.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import Stripe from 'stripe';
import { ManualClock } from '../../src-main/billing/clock';
import { openConsoleCore, type ConsoleCore } from '../../src-main/app/console-core';
import { createFileLogger } from '../../src-main/logging/logger';
import { FileSecretStore } from '../../src-main/secrets/file-secret-store';
import { startFakeStripe, type FakeStripe } from './fake-stripe/server';
import { dropTestPlatform, uniquePlatformDatabase } from './servers';

export interface StripeTestBed {
  readonly core: ConsoleCore;
  readonly fake: FakeStripe;
  readonly clock: ManualClock;
  readonly key: string;
  readonly webhookSecret: string;
  readonly dataDir: string;
  readonly url: string;
  /** The SDK pointed at the fake, for what a customer does in Stripe (add a card, pay). */
  readonly stripe: Stripe;
  close(): Promise<void>;
}

/** `options.logger`: where the console logs (default: a log file in the bed's data folder). */
export async function openStripeTestBed(url: string, label: string, options: { logger?: Logger } = {}): Promise<StripeTestBed> {
  const clock = new ManualClock(new Date());
  const key = `sk_test_${randomBytes(16).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  const fake = await startFakeStripe({ key, clock });
  const dataDir = await mkdtemp(join(tmpdir(), 'tc-stripe-'));
  const platformDatabase = uniquePlatformDatabase(label);
  const previous = process.env.TENANT_CONSOLE_STRIPE_API_BASE;
  process.env.TENANT_CONSOLE_STRIPE_API_BASE = fake.url;
  let core: ConsoleCore;
  try {
    core = await openConsoleCore({
      platformDatabase,
      mode: 'cli',
      databaseUrl: url,
      dataDir,
      cacheFile: join(dataDir, 'cache.sqlite'),
      logger: options.logger ?? createFileLogger(dataDir, 'stripe-test'),
      reconcileOnStart: false,
      clock,
      secretStore: new FileSecretStore(join(dataDir, 'secrets.json')),
    });
  } finally {
    if (previous === undefined) delete process.env.TENANT_CONSOLE_STRIPE_API_BASE;
    else process.env.TENANT_CONSOLE_STRIPE_API_BASE = previous;
  }
  const stripe = new Stripe(key, { host: fake.endpoint.host, port: fake.endpoint.port, protocol: 'http', maxNetworkRetries: 0 });
  return {
    core,
    fake,
    clock,
    key,
    webhookSecret,
    dataDir,
    url,
    stripe,
    async close() {
      await core.close();
      await fake.close();
      await dropTestPlatform(url, platformDatabase);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The plan limits as pushed into the tenant's own database. */
export async function tenantDatabaseLimits(url: string, database: string): Promise<Record<string, number | null>> {
  const target = new URL(url);
  target.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: target.toString() });
  await client.connect();
  try {
    const { rows } = await client.query<{ resource: string; plan_limit: string | null }>('SELECT resource, plan_limit FROM platform.limits ORDER BY resource');
    return Object.fromEntries(rows.map((r) => [r.resource, r.plan_limit === null ? null : Number(r.plan_limit)]));
  } finally {
    await client.end();
  }
}
