import { USAGE_TARGETS, type UsageBenchResult } from '../usage';
import { table, verdict } from './markdown';
import { ms } from './stats';

/** Summary rows for the top table: [benchmark, figure, target, verdict]. */
export function usageSummaryRows(result: UsageBenchResult): string[][] {
  const best = Math.max(...result.full.perSecond);
  const incremental = result.incremental.run.durationMs ?? Number.NaN;
  const { fleetTenants, fleetDays, fullTenants, incrementalTenants } = result.options;
  return [
    [`Usage: full collection over ${fullTenants} databases (best of ${result.full.runs.length})`, `${best.toFixed(1)} db/s`, `≥ ${USAGE_TARGETS.fullPerSecond} db/s`, verdict(best >= USAGE_TARGETS.fullPerSecond)],
    [`Usage: incremental run, ${incrementalTenants} tenants, ${Math.round(result.options.changedShare * 100)}% changed`, `${(incremental / 1000).toFixed(2)} s`, `≤ ${USAGE_TARGETS.incrementalMs / 1000} s`, verdict(incremental <= USAGE_TARGETS.incrementalMs)],
    [`Usage page data (\`usage:fleet\`, 90 days), ${fleetTenants.toLocaleString('en-US')} tenants × ${fleetDays} days (median)`, `${ms(result.fleet.days90.median)} ms`, '—', 'measured'],
  ];
}

export function usageSection(title: string, result: UsageBenchResult): string {
  const { options } = result;
  const runs = table(
    ['Run', 'tenants', 'read', 'carried over', 'failed', 'seconds', 'databases read per second'],
    [
      ...result.full.runs.map((run, index) => [`full ${index + 1}`, String(run.tenants), String(run.read), String(run.carriedOver), String(run.failed), ((run.durationMs ?? 0) / 1000).toFixed(2), result.full.perSecond[index]!.toFixed(1)]),
      ...[
        ['incremental baseline', result.incremental.baseline],
        [`incremental (${result.incremental.changed} changed)`, result.incremental.run],
      ].map(([label, run]) => {
        const r = run as UsageBenchResult['incremental']['run'];
        return [label as string, String(r.tenants), String(r.read), String(r.carriedOver), String(r.failed), ((r.durationMs ?? 0) / 1000).toFixed(2), '—'];
      }),
    ],
    ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  const calls = table(
    ['Call', 'median ms', 'p95 ms', 'min ms', 'max ms'],
    [
      ['`usage:fleet` { days: 90 }', result.fleet.days90],
      ['`usage:fleet` { days: 30 }', result.fleet.days30],
      ['`usage:tenant` { days: 365 }', result.fleet.tenant365],
    ].map(([label, summary]) => {
      const s = summary as UsageBenchResult['fleet']['days90'];
      return [label as string, ms(s.median), ms(s.p95), ms(s.min), ms(s.max)];
    }),
    ['left', 'right', 'right', 'right', 'right'],
  );
  return [
    `## ${title}`,
    '',
    `Tenant databases are clones of the tenant template plus registry rows (${options.incrementalTenants} made in ${(result.createMs / 1000).toFixed(1)} s). ` +
      `Full runs start with no previous figures, so every database is visited (default concurrency 8). The incremental run follows a baseline run; ` +
      `then one in ${Math.round(1 / options.changedShare)} databases gets a row inserted and the run waits until pg_stat_database shows it.`,
    '',
    runs,
    '',
    `Usage page data: ${options.fleetTenants.toLocaleString('en-US')} registry tenants, ${result.fleet.rows.toLocaleString('en-US')} tenant_usage rows ` +
      `(${options.fleetDays} days, seeded with generate_series in ${(result.fleet.seedMs / 1000).toFixed(1)} s), ${options.fleetIterations} measured calls each through \`core.dispatch\` (3 warm-up).`,
    '',
    calls,
  ].join('\n');
}
