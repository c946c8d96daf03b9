import { VARIANT_LABELS, VARIANT_ORDER, totalWal, type ProvisioningResult, type VariantId, type VariantResult } from '../provisioning';
import { LAYER_LABELS, type RegistryResult } from '../registry-list';
import { details, table, verdict } from './markdown';
import { ms, ratio, summarize, sum } from './stats';

/** Turns the measurements into the Markdown that goes to the terminal, latest.md and the closing note. */

export const TARGETS = {
  fullOverBare: 1.5,
  naiveOverFull: 2.5,
} as const;

export interface VariantFigures {
  readonly median: number;
  readonly p95: number;
  readonly mean: number;
  readonly checkpointPerBatch: number;
  readonly checkpointPerTenant: number;
  /** Median plus the amortised checkpoint: what a tenant costs once its dirty pages are written. */
  readonly withCheckpoint: number;
  readonly walPerTenantMb: number;
}

export function variantFigures(result: VariantResult): VariantFigures {
  const summary = summarize(result.samples);
  const checkpointPerTenant = sum(result.checkpoints) / result.samples.length;
  return {
    median: summary.median,
    p95: summary.p95,
    mean: summary.mean,
    checkpointPerBatch: summarize(result.checkpoints).median,
    checkpointPerTenant,
    withCheckpoint: summary.median + checkpointPerTenant,
    walPerTenantMb: totalWal(result) / result.samples.length / (1024 * 1024),
  };
}

type RatioPair = { readonly median: number; readonly withCheckpoint: number };

export interface ProvisioningRatios {
  /** Full provisioning with a spare ready (the normal path). */
  readonly fullOverBare: RatioPair;
  readonly naiveOverFull: RatioPair;
  /** Full provisioning without a spare (cloned on the spot). */
  readonly coldOverBare: RatioPair;
  readonly naiveOverCold: RatioPair;
}

export function provisioningRatios(result: ProvisioningResult): ProvisioningRatios {
  const full = variantFigures(result.variants.full);
  const cold = variantFigures(result.variants.cold);
  const bare = variantFigures(result.variants.bare);
  const naive = variantFigures(result.variants.migrate);
  const over = (a: VariantFigures, b: VariantFigures): RatioPair => ({ median: a.median / b.median, withCheckpoint: a.withCheckpoint / b.withCheckpoint });
  return { fullOverBare: over(full, bare), naiveOverFull: over(naive, full), coldOverBare: over(cold, bare), naiveOverCold: over(naive, cold) };
}

/** The four ratio rows: [label, pair, target, whether a larger ratio is the good side]. */
function ratioRows(ratios: ProvisioningRatios): [string, RatioPair, number, 'max' | 'min'][] {
  return [
    ['full, spare ready ÷ (a) bare clone', ratios.fullOverBare, TARGETS.fullOverBare, 'max'],
    ['(b) empty + migrations ÷ full, spare ready', ratios.naiveOverFull, TARGETS.naiveOverFull, 'min'],
    ['full, no spare ÷ (a) bare clone', ratios.coldOverBare, TARGETS.fullOverBare, 'max'],
    ['(b) empty + migrations ÷ full, no spare', ratios.naiveOverCold, TARGETS.naiveOverFull, 'min'],
  ];
}

const meets = (value: number, target: number, kind: 'max' | 'min'): boolean => (kind === 'max' ? value <= target : value >= target);
const targetText = (target: number, kind: 'max' | 'min'): string => `${kind === 'max' ? '≤' : '≥'} ${target}×`;

/** Steps in the order they first happened. */
function stepTable(result: VariantResult): string {
  const names = [...result.steps.keys()];
  const totalMean = summarize(result.samples).mean;
  return table(
    ['Step', 'median ms', 'p95 ms', 'share of mean'],
    names.map((name) => {
      const summary = summarize(result.steps.get(name)!);
      return [name, ms(summary.median), ms(summary.p95), `${((summary.mean / totalMean) * 100).toFixed(0)} %`];
    }),
    ['left', 'right', 'right', 'right'],
  );
}

export function provisioningSection(title: string, result: ProvisioningResult): string {
  const { perVariant, warmup, batchSize } = result.options;
  const ids = VARIANT_ORDER;
  const figures = Object.fromEntries(ids.map((id) => [id, variantFigures(result.variants[id])])) as Record<VariantId, VariantFigures>;
  const ratios = provisioningRatios(result);
  const settings = Object.entries(result.settings).map(([name, value]) => `${name}=${value}`).join(', ');
  const background =
    result.backgroundCheckpoints === null ? 'unknown' : String(result.backgroundCheckpoints);

  const variants = table(
    ['Variant', 'median ms', 'p95 ms', 'mean ms', `CHECKPOINT per batch of ${batchSize} (median ms)`, 'checkpoint per tenant ms', 'median + checkpoint ms', 'WAL per tenant MB'],
    ids.map((id) => {
      const f = figures[id];
      return [VARIANT_LABELS[id], ms(f.median), ms(f.p95), ms(f.mean), ms(f.checkpointPerBatch), ms(f.checkpointPerTenant), ms(f.withCheckpoint), f.walPerTenantMb.toFixed(2)];
    }),
    ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  const ratioTable = table(
    ['Ratio', 'on medians', 'incl. checkpoint', 'target', 'verdict (medians)', 'verdict (incl. checkpoint)'],
    ratioRows(ratios).map(([label, pair, target, kind]) => [
      label,
      ratio(pair.median),
      ratio(pair.withCheckpoint),
      targetText(target, kind),
      verdict(meets(pair.median, target, kind)),
      verdict(meets(pair.withCheckpoint, target, kind)),
    ]),
    ['left', 'right', 'right', 'right', 'left', 'left'],
  );
  const refill = summarize(result.variants.full.refills);

  return [
    `## ${title}`,
    '',
    `${perVariant} measured tenants per variant (${warmup} warm-up per variant excluded), in ${result.rounds} rounds of ${batchSize} per variant ` +
      `with the variants' order rotated every round; a \`CHECKPOINT\` is timed after every batch and amortised over its tenants. ` +
      `Template database ${(result.templateBytes / (1024 * 1024)).toFixed(1)} MB. Server: ${settings}. ` +
      `Checkpoints the server started on its own during the rounds: ${background}. ` +
      `Measured rounds took ${(result.elapsedMs / 1000).toFixed(1)} s; dropping everything afterwards ${(result.cleanupMs / 1000).toFixed(1)} s.`,
    '',
    variants,
    '',
    ratioTable,
    '',
    `With a spare ready the clone is not on the request path, but it is still made: after each take the console builds a ` +
      `replacement in the background (the pool was full again ${ms(refill.median)} ms after the reply, median; p95 ${ms(refill.p95)} ms). ` +
      'Those refills ran inside the warm batches, so their WAL and dirty pages are in that row\'s WAL and checkpoint figures. ' +
      'The cold row is provisioning with `spare_databases_per_plan` at 0 — what every tenant costs when no spare is ready.',
    '',
    'Where the full operation spends its time with a spare ready (the span up to each `job:progress` milestone):',
    '',
    stepTable(result.variants.full),
    '',
    'Where it spends its time without one:',
    '',
    stepTable(result.variants.cold),
    '',
    'Where (b) spends its time:',
    '',
    stepTable(result.variants.migrate),
  ].join('\n');
}

export function registrySection(title: string, result: RegistryResult): string {
  const statuses = Object.entries(result.statusCounts).map(([status, n]) => `${n} ${status}`).join(', ');
  const rows = result.queries.map((entry) => {
    const sql = summarize(entry.samples.sql);
    const dispatch = summarize(entry.samples.dispatch);
    const http = summarize(entry.samples.http);
    return [
      entry.query.label,
      `${entry.total} / ${entry.rows}`,
      `${ms(sql.median)} / ${ms(sql.p95)}`,
      `${ms(dispatch.median)} / ${ms(dispatch.p95)}`,
      `${ms(http.median)} / ${ms(http.p95)}`,
      ratio(http.median / sql.median),
      `≤ ${entry.query.targetMs} ms`,
      verdict(http.median <= entry.query.targetMs),
    ];
  });
  return [
    `## ${title}`,
    '',
    `${result.tenants.toLocaleString('en-US')} registry rows inserted with one SQL statement in ${(result.seedMs / 1000).toFixed(2)} s (${statuses}), then \`ANALYZE\`d. ` +
      `${result.options.iterations} measured calls per query and layer (${result.options.warmup} warm-up excluded), queries and layers interleaved in rotating order. ` +
      `HTTP: one signed-in session (token URL → cookie), \`POST /api/invoke/tenants:list\` over a kept-alive connection, JSON parsed by the client.`,
    '',
    table(
      ['Call', 'matches / returned', `${LAYER_LABELS.sql} median / p95 ms`, `${LAYER_LABELS.dispatch} median / p95 ms`, `${LAYER_LABELS.http} median / p95 ms`, 'HTTP ÷ SQL', 'target (HTTP median)', 'verdict'],
      rows,
      ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
    ),
    '',
    ...result.queries.map((entry) => details(`EXPLAIN (ANALYZE, BUFFERS) — ${entry.query.id}`, entry.plan)),
  ].join('\n');
}

export function summaryTable(provisioning: readonly { server: string; result: ProvisioningResult }[], registry: RegistryResult): string {
  const pair = (a: number, b: number) => `${ratio(a)} / ${ratio(b)}`;
  const both = (a: boolean, b: boolean) => (a === b ? verdict(a) : `${verdict(a)} / ${verdict(b)}`);
  const list = registry.queries.find((entry) => entry.query.id === 'list')!;
  const filter = registry.queries.find((entry) => entry.query.id === 'filter')!;
  const httpMedian = (entry: typeof list) => summarize(entry.samples.http).median;
  const provisioningRows = provisioning.flatMap(({ server, result }) =>
    ratioRows(provisioningRatios(result)).map(([label, figures, target, kind]) => [
      `Provisioning (${server}): ${label} (medians / incl. checkpoint)`,
      pair(figures.median, figures.withCheckpoint),
      targetText(target, kind),
      both(meets(figures.median, target, kind), meets(figures.withCheckpoint, target, kind)),
    ]),
  );
  return table(
    ['Benchmark', 'figure', 'target', 'verdict'],
    [
      ...provisioningRows,
      [`${registry.tenants.toLocaleString('en-US')} tenants: list over HTTP (median)`, `${ms(httpMedian(list))} ms`, `≤ ${list.query.targetMs} ms`, verdict(httpMedian(list) <= list.query.targetMs)],
      [`${registry.tenants.toLocaleString('en-US')} tenants: filtered search over HTTP (median)`, `${ms(httpMedian(filter))} ms`, `≤ ${filter.query.targetMs} ms`, verdict(httpMedian(filter) <= filter.query.targetMs)],
    ],
    ['left', 'right', 'right', 'left'],
  );
}
