import { clientConfig } from '../src-main/postgres/server-endpoint';
import type { ConsoleCore } from '../src-main/app/console-core';
import { startTenantApi } from '../src-main/tenant-api/tenant-api-server';
import { startLoadProcess } from './lib/load-process';
import { table, verdict } from './lib/markdown';
import { percentile } from './lib/stats';

/**
 * Benchmark: "may this tenant create one more company?" through the tenant API
 * (POST /api/tenants/{code}/check-limit: key check, rate limit, dispatch as the operator,
 * the tenant database's own platform.check_limit, audit) against platform.check_limit called
 * directly on open connections — each with `clients` concurrent clients, p50 and p99. The
 * clients of both run in a child process (lib/load-process.ts): the server's event loop
 * carries the server's work only.
 */

/** The API's own cost at p50 (issue 13): at most this much over the direct call. */
export const API_CHECK_LIMIT_TARGET_MS = 2;

export interface ApiCheckLimitOptions {
  readonly clients: number;
  readonly requests: number;
  readonly warmup: number;
  readonly log: (line: string) => void;
}

export interface ApiCheckLimitResult {
  readonly options: Omit<ApiCheckLimitOptions, 'log'>;
  readonly direct: { readonly p50: number; readonly p99: number; readonly perSecond: number };
  readonly api: { readonly p50: number; readonly p99: number; readonly perSecond: number };
}

const figures = (run: { samples: number[]; wallMs: number }) => ({
  p50: percentile(run.samples, 0.5),
  p99: percentile(run.samples, 0.99),
  perSecond: (run.samples.length * 1000) / run.wallMs,
});

export async function benchApiCheckLimit(core: ConsoleCore, options: ApiCheckLimitOptions): Promise<ApiCheckLimitResult> {
  const call = async <T>(channel: string, input: unknown): Promise<T> => {
    const result = await core.dispatch(channel, input, { origin: 'cli' });
    if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
    return result.value as T;
  };
  const suffix = Date.now().toString(36);
  const created = await call<{ tenant: { tenantCode: string }; credentials: { host: string; port: number; database: string; user: string; password: string } }>('tenants:create', {
    companyName: 'Bench Api Co',
    subdomain: `bench-api-${suffix}`,
    plan: 'starter',
    adminEmail: `bench-${suffix}@example.com`,
  });
  const { key } = await call<{ key: string }>('apiKeys:create', { name: `bench-${suffix}`, scopes: ['limits:read'] });
  const server = await startTenantApi(core, { listen: '127.0.0.1:0', rateLimit: { max: 10_000_000, windowMs: 60_000 } });
  // The clients run in a process of their own: their CPU is not the server's event loop's.
  const load = await startLoadProcess();
  try {
    // One open connection per client (as the console's role: the plan's connection limit
    // caps the tenant's own role below 50; check_limit answers the same to either).
    await load.open(
      'direct',
      {
        kind: 'sql',
        config: clientConfig(core.platform.primary.endpoint, created.credentials.database, 'tenant-console-bench'),
        sql: "SELECT can_create, current, \"limit\", message FROM platform.check_limit('companies')",
        params: [],
      },
      options.clients,
    );
    // HTTP keep-alive, one socket per client: no handshake per call.
    await load.open(
      'api',
      {
        kind: 'http',
        url: `${server.url}/api/tenants/${created.tenant.tenantCode}/check-limit`,
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ resource_type: 'company' }),
      },
      options.clients,
    );
    options.log(`  warm-up: ${options.warmup} calls each`);
    await load.run('direct', options.warmup);
    await load.run('api', options.warmup);
    // Alternate the two, twice each, so a burst of other work on the machine hits both.
    const sqlRuns: number[] = [];
    const apiRuns: number[] = [];
    let sqlWall = 0;
    let apiWall = 0;
    for (let round = 0; round < 2; round += 1) {
      options.log(`  round ${round + 1}: ${options.requests / 2} calls each, ${options.clients} clients`);
      const a = await load.run('direct', options.requests / 2);
      const b = await load.run('api', options.requests / 2);
      sqlRuns.push(...a.samples);
      apiRuns.push(...b.samples);
      sqlWall += a.wallMs;
      apiWall += b.wallMs;
    }
    return {
      options: { clients: options.clients, requests: options.requests, warmup: options.warmup },
      direct: figures({ samples: sqlRuns, wallMs: sqlWall }),
      api: figures({ samples: apiRuns, wallMs: apiWall }),
    };
  } finally {
    await load.close();
    await server.close();
  }
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

export function apiCheckLimitSummaryRows(result: ApiCheckLimitResult): string[][] {
  const extra = result.api.p50 - result.direct.p50;
  return [[`check-limit through the API, added at p50 (${result.options.clients} clients)`, ms(extra), `≤ ${API_CHECK_LIMIT_TARGET_MS} ms`, verdict(extra <= API_CHECK_LIMIT_TARGET_MS)]];
}

export function apiCheckLimitSection(title: string, result: ApiCheckLimitResult): string {
  const { direct, api } = result;
  return [
    `## ${title}`,
    '',
    `${result.options.requests.toLocaleString('en-US')} calls each (after ${result.options.warmup} of warm-up), ${result.options.clients} concurrent clients, alternating in two rounds, ` +
      'both driven from a separate process (bench/lib/load-client.ts), so the clients’ CPU is not spent on the server’s event loop. ' +
      'Direct: one open connection per client (the console’s role: the starter plan’s connection limit caps the tenant’s own). API: HTTP keep-alive, one socket per client; ' +
      'every call is authenticated by its key, rate limited, authorised for the operator serving the API and answered by the tenant database on a pooled connection, ' +
      'then audited in the local log (read events commit together every 200 ms). The key, the pg_has_role decision for reads and where the tenant’s database is are reused for ' +
      'at most 1 s (src-main/base/tenant-api-trust.ts): only the check itself is a round trip.',
    '',
    table(
      ['', 'p50', 'p99', 'calls/s'],
      [
        ['platform.check_limit, direct', ms(direct.p50), ms(direct.p99), direct.perSecond.toFixed(0)],
        ['POST /api/tenants/{code}/check-limit', ms(api.p50), ms(api.p99), api.perSecond.toFixed(0)],
        ['difference (API − direct)', ms(api.p50 - direct.p50), ms(api.p99 - direct.p99), ''],
      ],
      ['left', 'right', 'right', 'right'],
    ),
    '',
  ].join('\n');
}
