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

export interface ProvisioningRatios {
  readonly fullOverBare: { readonly median: number; readonly withCheckpoint: number };
  readonly naiveOverFull: { readonly median: number; readonly withCheckpoint: number };
}

export function provisioningRatios(result: ProvisioningResult): ProvisioningRatios {
  const full = variantFigures(result.variants.full);
  const bare = variantFigures(result.variants.bare);
  const naive = variantFigures(result.variants.migrate);
  return {
    fullOverBare: { median: full.median / bare.median, withCheckpoint: full.withCheckpoint / bare.withCheckpoint },
    naiveOverFull: { median: naive.median / full.median, withCheckpoint: naive.withCheckpoint / full.withCheckpoint },
  };
}

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
    [
      [
        'full ÷ (a) bare clone',
        ratio(ratios.fullOverBare.median),
        ratio(ratios.fullOverBare.withCheckpoint),
        `≤ ${TARGETS.fullOverBare}×`,
        verdict(ratios.fullOverBare.median <= TARGETS.fullOverBare),
        verdict(ratios.fullOverBare.withCheckpoint <= TARGETS.fullOverBare),
      ],
      [
        '(b) empty + migrations ÷ full',
        ratio(ratios.naiveOverFull.median),
        ratio(ratios.naiveOverFull.withCheckpoint),
        `≥ ${TARGETS.naiveOverFull}×`,
        verdict(ratios.naiveOverFull.median >= TARGETS.naiveOverFull),
        verdict(ratios.naiveOverFull.withCheckpoint >= TARGETS.naiveOverFull),
      ],
    ],
    ['left', 'right', 'right', 'right', 'left', 'left'],
  );

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
    'Where the full operation spends its time (the span up to each `job:progress` milestone):',
    '',
    stepTable(result.variants.full),
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
  const provisioningRows = provisioning.flatMap(({ server, result }) => {
    const ratios = provisioningRatios(result);
    return [
      [
        `Provisioning (${server}): full ÷ bare clone (medians / incl. checkpoint)`,
        pair(ratios.fullOverBare.median, ratios.fullOverBare.withCheckpoint),
        `≤ ${TARGETS.fullOverBare}×`,
        both(ratios.fullOverBare.median <= TARGETS.fullOverBare, ratios.fullOverBare.withCheckpoint <= TARGETS.fullOverBare),
      ],
      [
        `Provisioning (${server}): (b) empty + migrations ÷ full (medians / incl. checkpoint)`,
        pair(ratios.naiveOverFull.median, ratios.naiveOverFull.withCheckpoint),
        `≥ ${TARGETS.naiveOverFull}×`,
        both(ratios.naiveOverFull.median >= TARGETS.naiveOverFull, ratios.naiveOverFull.withCheckpoint >= TARGETS.naiveOverFull),
      ],
    ];
  });
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
