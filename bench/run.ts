/**
 * `npm run bench` — the Tenant Console benchmarks (not part of the test suite).
 *
 *   npm run bench                 embedded PostgreSQL in a fresh temporary data folder
 *   npm run bench -- --external   also the provisioning comparison on 127.0.0.1:5432
 *   npm run bench -- --quick      small counts, to check the harness itself
 *   npm run bench -- --only=audit    the audit log benchmarks only (local SQLite, no server)
 *   npm run bench -- --only=limits   just the limit-enforcement insert benchmark
 *   npm run bench -- --only=provisioning  just benchmark 1 (with --external: on both servers)
 *   npm run bench -- --only=usage only benchmark 3 (usage metering); report in results/latest-usage.md
 *   npm run bench -- --only=backup  only the backup / restore benchmark (with --quick: 100,000 rows)
 *   npm run bench -- --only=billing only the billing lifecycle job; report in results/latest-billing.md
 *   npm run bench -- --only=invoicing  only manual invoicing of per-user tenants (TENANT_CONSOLE_BENCH_INVOICE_TENANTS, default 10,000)
 *   npm run bench -- --only=cli     only tenantctl's start-up (list --json, serve ready) against the old tsx path
 *   npm run bench -- --only=api     only check-limit through the tenant API against platform.check_limit called directly
 *   npm run bench -- --only=search  only Ctrl-K's search:everything over 10,000 tenants (host mode, in-process, offline snapshot)
 *
 * Prints a Markdown report and writes it to bench/results/latest.md. Targets are reported
 * as PASS/MISS; a miss never fails the process (performance is measured, not asserted) —
 * only a broken run does.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchProvisioning, type ProvisioningOptions, type ProvisioningResult } from './provisioning';
import { benchRegistry, type RegistryOptions } from './registry-list';
import { benchLimits, limitsSection, type LimitsOptions } from './limits-insert';
import { benchUsage, type UsageBenchOptions, type UsageBenchResult } from './usage';
import { usageSection, usageSummaryRows } from './lib/usage-report';
import { table } from './lib/markdown';
import { backupSection, benchBackup, type BackupBenchOptions } from './backup';
import { provisioningSection, registrySection, summaryTable } from './lib/report';
import { EXTERNAL_URL, externalProblem, openEmbeddedTarget, openExternalTarget, type BenchTarget } from './lib/targets';
import { auditSection, benchAudit, type AuditBenchOptions } from './audit';
import { benchBillingLifecycle, billingSection, billingSummaryRows, type BillingBenchOptions, type BillingBenchResult } from './billing-lifecycle';
import { benchBillingInvoicing, invoicingSection, invoicingSummaryRows, type InvoicingBenchResult } from './billing-invoicing';
import { benchCliStartup, cliSection, cliSummaryRows, type CliBenchOptions } from './cli-startup';
import { apiCheckLimitSection, apiCheckLimitSummaryRows, benchApiCheckLimit, type ApiCheckLimitOptions } from './api-check-limit';
import { benchSearch, searchSection, searchSummaryRows, type SearchBenchOptions } from './search';

const RESULTS_FILE = fileURLToPath(new URL('./results/latest.md', import.meta.url));
const USAGE_RESULTS_FILE = fileURLToPath(new URL('./results/latest-usage.md', import.meta.url));
const BILLING_RESULTS_FILE = fileURLToPath(new URL('./results/latest-billing.md', import.meta.url));
const INVOICING_RESULTS_FILE = fileURLToPath(new URL('./results/latest-invoicing.md', import.meta.url));

const args = new Set(process.argv.slice(2));
const ONLY = ['api', 'audit', 'backup', 'billing', 'cli', 'invoicing', 'limits', 'provisioning', 'search', 'usage'] as const;
const onlyArg = [...args].find((arg) => arg.startsWith('--only='));
const only = onlyArg ? onlyArg.slice('--only='.length) : null;
if (only !== null && !(ONLY as readonly string[]).includes(only)) {
  console.error(`Unknown --only=${only}: one of ${ONLY.join(', ')}.`);
  process.exit(2);
}
const unknown = [...args].filter((arg) => !['--external', '--quick'].includes(arg) && arg !== onlyArg);
if (unknown.length > 0) {
  console.error(`Unknown option(s): ${unknown.join(' ')}. Usage: npm run bench [-- --external] [-- --quick]`);
  process.exit(2);
}
const quick = args.has('--quick');
const log = (line: string) => process.stderr.write(`${line}\n`);

const provisioningOptions: ProvisioningOptions = quick
  ? { perVariant: 6, warmup: 1, batchSize: 3, log }
  : { perVariant: 50, warmup: 3, batchSize: 5, log };
const auditOptions: AuditBenchOptions = quick
  ? { appendEvents: 10_000, chainEvents: 100_000, queryIterations: 30, log }
  : { appendEvents: 50_000, chainEvents: 1_000_000, queryIterations: 100, log };
const limitsOptions: LimitsOptions = quick ? { seconds: 1, rounds: 1, rowsPerStatement: 10, log } : { seconds: 5, rounds: 3, rowsPerStatement: 10, log };
const usageOptions: UsageBenchOptions = quick
  ? { fullTenants: 60, incrementalTenants: 100, changedShare: 0.1, fleetTenants: 10_000, fleetDays: 90, fleetIterations: 10, log }
  : { fullTenants: 500, incrementalTenants: 1_000, changedShare: 0.1, fleetTenants: 10_000, fleetDays: 90, fleetIterations: 30, log };
const backupOptions: BackupBenchOptions = quick ? { rows: 100_000, iterations: 1, log } : { rows: 1_000_000, iterations: 3, log };
const billingOptions: BillingBenchOptions = quick
  ? { tenants: 10_000, usageDays: 7, idleRuns: 3, workSteps: [0, 25, 50, 100], warmupWork: 25, log }
  : { tenants: 10_000, usageDays: 30, idleRuns: 7, workSteps: [0, 100, 200, 400, 800], warmupWork: 100, log };
const apiOptions: ApiCheckLimitOptions = quick ? { clients: 50, requests: 2_000, warmup: 200, log } : { clients: 50, requests: 20_000, warmup: 1_000, log };
const cliOptions: CliBenchOptions = quick ? { iterations: 3, warmup: 1, log } : { iterations: 9, warmup: 1, log };
const searchOptions: SearchBenchOptions = quick ? { tenants: 10_000, iterations: 10, warmup: 3, log } : { tenants: 10_000, iterations: 50, warmup: 5, log };
const registryOptions: RegistryOptions = quick
  ? { tenants: 10_000, iterations: 20, warmup: 5, log }
  : { tenants: 10_000, iterations: 100, warmup: 10, log };

// Whatever happens (an error, Ctrl-C), the servers stop and every temporary folder goes.
const cleanups: (() => Promise<void>)[] = [];
async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) {
    const next = cleanups.pop()!;
    await next().catch((error) => log(`cleanup failed: ${(error as Error).message}`));
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`\n${signal}: stopping and cleaning up…`);
    void cleanUp().finally(() => process.exit(130));
  });
}

async function withTarget<T>(open: () => Promise<BenchTarget>, work: (target: BenchTarget) => Promise<T>): Promise<T> {
  const target = await open();
  const dispose = () => target.dispose();
  cleanups.push(dispose);
  try {
    return await work(target);
  } finally {
    cleanups.splice(cleanups.indexOf(dispose), 1);
    await dispose();
  }
}

function machine(): string {
  const cpu = cpus();
  return `${process.platform} ${process.arch}, ${cpu.length} CPU (${cpu[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.version}`;
}

const load = () => loadavg().map((value) => value.toFixed(1)).join(' / ');

async function runUsage(): Promise<{ label: string; result: UsageBenchResult }> {
  // A server of its own: the benchmark needs an empty registry and makes up to 1,000 databases.
  return withTarget(openEmbeddedTarget, async (target) => {
    log(`Benchmark 3: usage metering on ${target.label}`);
    return { label: target.label, result: await benchUsage(target.core, usageOptions) };
  });
}

async function runBilling(): Promise<{ label: string; result: BillingBenchResult }> {
  // A server of its own: the benchmark needs a registry without benchmark 2's 10,000 rows.
  return withTarget(openEmbeddedTarget, async (target) => {
    log(`Benchmark 7: the billing lifecycle job on ${target.label}`);
    return { label: target.label, result: await benchBillingLifecycle(target.core, billingOptions) };
  });
}

function invoicingTenants(): number {
  const raw = process.env.TENANT_CONSOLE_BENCH_INVOICE_TENANTS;
  if (raw === undefined || raw === '') return quick ? 500 : 10_000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new Error(`TENANT_CONSOLE_BENCH_INVOICE_TENANTS must be a whole number from 1 to 1000000 (got "${raw}").`);
  return n;
}

async function runInvoicing(): Promise<{ label: string; result: InvoicingBenchResult }> {
  // A server of its own: every due tenant in the registry would be invoiced.
  return withTarget(openEmbeddedTarget, async (target) => {
    log(`Benchmark 9: manual invoicing, per-user pricing, on ${target.label}`);
    return { label: target.label, result: await benchBillingInvoicing(target.core, { tenants: invoicingTenants(), baselineTenants: Math.min(invoicingTenants(), quick ? 100 : 500), usageDays: 30, log }) };
  });
}

/** `--only=invoicing`: the invoicing benchmark alone, in its own report file. */
async function mainInvoicingOnly(): Promise<void> {
  const started = performance.now();
  const loadBefore = load();
  const invoicing = await runInvoicing();
  const markdown = [
    '# Tenant Console — invoicing benchmark',
    '',
    `Run ${new Date().toISOString()} with \`npm run bench -- ${[...args].join(' ')}\` on ${machine()}; total ${((performance.now() - started) / 1000).toFixed(0)} s. ` +
      `Load average (1 / 5 / 15 min) ${loadBefore} at the start, ${load()} at the end.`,
    '',
    table(['Benchmark', 'figure', 'target', 'verdict'], invoicingSummaryRows(invoicing.result), ['left', 'right', 'right', 'left']),
    '',
    invoicingSection(`9. Manual invoicing, per-user pricing — ${invoicing.label}`, invoicing.result),
    '',
  ].join('\n');
  process.stdout.write(`\n${markdown}`);
  await mkdir(join(INVOICING_RESULTS_FILE, '..'), { recursive: true });
  await writeFile(INVOICING_RESULTS_FILE, markdown);
  log(`\nWritten to ${INVOICING_RESULTS_FILE}`);
}

/** `--only=billing`: the billing lifecycle benchmark alone, in its own report file. */
async function mainBillingOnly(): Promise<void> {
  const started = performance.now();
  const loadBefore = load();
  const billing = await runBilling();
  const markdown = [
    '# Tenant Console — billing lifecycle benchmark',
    '',
    `Run ${new Date().toISOString()} with \`npm run bench -- ${[...args].join(' ')}\` on ${machine()}; total ${((performance.now() - started) / 1000).toFixed(0)} s. ` +
      `Load average (1 / 5 / 15 min) ${loadBefore} at the start, ${load()} at the end.` +
      (quick ? ' **Quick mode: smaller work steps and fewer runs.**' : ''),
    '',
    table(['Benchmark', 'figure', 'target', 'verdict'], billingSummaryRows(billing.result), ['left', 'right', 'right', 'left']),
    '',
    billingSection(`7. Billing lifecycle job — ${billing.label}`, billing.result),
    '',
  ].join('\n');
  process.stdout.write(`\n${markdown}`);
  await mkdir(join(BILLING_RESULTS_FILE, '..'), { recursive: true });
  await writeFile(BILLING_RESULTS_FILE, markdown);
  log(`\nWritten to ${BILLING_RESULTS_FILE}`);
}

/** `--only=cli`: tenantctl's start-up alone (its own data folder and embedded server, spawned CLIs). */
async function mainCliOnly(): Promise<void> {
  const started = performance.now();
  const loadBefore = load();
  log("Benchmark 8: tenantctl start-up, bundled against the old tsx path");
  const result = await benchCliStartup(cliOptions);
  const markdown = [
    '# Tenant Console — CLI start-up benchmark',
    '',
    `Run ${new Date().toISOString()} with \`npm run bench -- ${[...args].join(' ')}\` on ${machine()}; total ${((performance.now() - started) / 1000).toFixed(0)} s; ` +
      `load average ${loadBefore} at the start, ${load()} at the end.` + (quick ? ' **Quick mode: fewer runs.**' : ''),
    '',
    table(['Benchmark', 'figure', 'target', 'verdict'], cliSummaryRows(result), ['left', 'right', 'right', 'left']),
    '',
    cliSection('8. tenantctl start-up', result),
    '',
  ].join('\n');
  process.stdout.write(`\n${markdown}`);
}

/** `--only=usage`: benchmark 3 alone, in its own report file. */
async function mainUsageOnly(): Promise<void> {
  const started = performance.now();
  const loadBefore = load();
  const usage = await runUsage();
  const markdown = [
    '# Tenant Console — usage metering benchmark',
    '',
    `Run ${new Date().toISOString()} with \`npm run bench -- ${[...args].join(' ')}\` on ${machine()}; total ${((performance.now() - started) / 1000).toFixed(0)} s. ` +
      `Load average (1 / 5 / 15 min) ${loadBefore} at the start, ${load()} at the end.` +
      (quick ? ' **Quick mode: small counts, for checking the harness only.**' : ''),
    '',
    table(['Benchmark', 'figure', 'target', 'verdict'], usageSummaryRows(usage.result), ['left', 'right', 'right', 'left']),
    '',
    usageSection(`3. Usage metering — ${usage.label}`, usage.result),
    '',
  ].join('\n');
  process.stdout.write(`\n${markdown}`);
  await mkdir(join(USAGE_RESULTS_FILE, '..'), { recursive: true });
  await writeFile(USAGE_RESULTS_FILE, markdown);
  log(`\nWritten to ${USAGE_RESULTS_FILE}`);
}

/** `--only=backup`: the backup benchmark alone, written to bench/results/backup.md. */
async function mainBackupOnly(): Promise<void> {
  const started = performance.now();
  log('Starting an embedded PostgreSQL in a fresh data folder…');
  const section = await withTarget(openEmbeddedTarget, async (target) =>
    backupSection(`Backup and restore — ${target.label}`, await benchBackup(target.core, backupOptions)),
  );
  const markdown = [
    '# Tenant Console — backup benchmark',
    '',
    `Run ${new Date().toISOString()} on ${machine()}, total ${((performance.now() - started) / 1000).toFixed(0)} s, load ${load()}.` +
      (quick ? ' **Quick mode: 100,000 rows, one iteration.**' : ''),
    '',
    section,
    '',
  ].join('\n');
  process.stdout.write(`\n${markdown}`);
  const file = join(RESULTS_FILE, '..', 'backup.md');
  await mkdir(join(RESULTS_FILE, '..'), { recursive: true });
  await writeFile(file, markdown);
  log(`\nWritten to ${file}`);
}

/** `--only=api`: check-limit through the tenant API next to the direct call; printed, not written. */
async function mainApiOnly(): Promise<void> {
  log('Starting an embedded PostgreSQL in a fresh data folder…');
  const markdown = await withTarget(openEmbeddedTarget, async (target) => {
    log(`Tenant API: check-limit at ${apiOptions.clients} concurrent clients on ${target.label}`);
    const result = await benchApiCheckLimit(target.core, apiOptions);
    return [
      table(['Benchmark', 'figure', 'target', 'verdict'], apiCheckLimitSummaryRows(result), ['left', 'right', 'right', 'left']),
      '',
      apiCheckLimitSection(`Tenant API: check-limit — ${target.label}`, result),
    ].join('\n');
  });
  process.stdout.write(`\n# Tenant Console — benchmarks (--only=api)\n\nRun ${new Date().toISOString()} on ${machine()}, load ${load()}${quick ? ', quick mode' : ''}.\n\n${markdown}\n`);
}

/** `--only=search`: Ctrl-K's search over 10,000 tenants alone; printed, not written. */
async function mainSearchOnly(): Promise<void> {
  log('Starting an embedded PostgreSQL in a fresh data folder…');
  const markdown = await withTarget(openEmbeddedTarget, async (target) => {
    log(`Search: search:everything over ${searchOptions.tenants} tenants on ${target.label}`);
    const result = await benchSearch(target.core, searchOptions);
    return [
      table(['Benchmark', 'figure', 'target', 'verdict'], searchSummaryRows(result), ['left', 'right', 'right', 'left']),
      '',
      searchSection(`Ctrl-K search — ${target.label}`, result),
    ].join('\n');
  });
  process.stdout.write(`\n# Tenant Console — benchmarks (--only=search)\n\nRun ${new Date().toISOString()} on ${machine()}, load ${load()}${quick ? ', quick mode' : ''}.\n\n${markdown}\n`);
}

async function main(): Promise<void> {
  if (only === 'backup') return mainBackupOnly();
  if (only === 'search') return mainSearchOnly();
  if (only === 'api') return mainApiOnly();
  if (only === 'cli') return mainCliOnly();
  const started = performance.now();
  const loadBefore = load();
  const scratch = await mkdtemp(join(tmpdir(), 'tc-bench-run-'));
  cleanups.push(() => rm(scratch, { recursive: true, force: true }));

  if (only === 'audit') return runAuditOnly(started, loadBefore);
  if (only === 'limits') {
    log('Starting an embedded PostgreSQL in a fresh data folder…');
    const markdown = await withTarget(openEmbeddedTarget, async (target) => {
      log(`Limits: insert throughput with and without enforcement on ${target.label}`);
      return limitsSection(`Limit enforcement — insert throughput, ${target.label}`, await benchLimits(target.core, limitsOptions));
    });
    process.stdout.write(`\n# Tenant Console — benchmarks (--only=limits)\n\nRun ${new Date().toISOString()} on ${machine()}${quick ? ', quick mode' : ''}.\n\n${markdown}\n`);
    return;
  }

  if (only === 'provisioning') return runProvisioningOnly(started, loadBefore);

  log('Starting an embedded PostgreSQL in a fresh data folder…');
  const embedded = await withTarget(openEmbeddedTarget, async (target) => {
    log(`Benchmark 1: provisioning on ${target.label}`);
    const provisioning = await benchProvisioning(target.core, provisioningOptions);
    log(`Benchmark 2: ${registryOptions.tenants} tenants in the registry, host mode`);
    const registry = await benchRegistry(target.core, join(scratch, 'renderer'), registryOptions);
    log('Benchmark 3: insert throughput with and without limit enforcement');
    const limits = await benchLimits(target.core, limitsOptions);
    log(`Benchmark 6: backup and restore of a ${backupOptions.rows.toLocaleString('en-US')}-row tenant`);
    const backup = await benchBackup(target.core, backupOptions);
    return { label: target.label, provisioning, registry, limits, backup };
  });

  let external: { label: string; provisioning: ProvisioningResult } | { skipped: string } | null = null;
  if (args.has('--external')) {
    const problem = await externalProblem();
    if (problem) {
      log(`Skipping --external: ${problem}`);
      external = { skipped: problem };
    } else {
      log(`Benchmark 1 again on ${EXTERNAL_URL} (own platform database)`);
      external = await withTarget(() => openExternalTarget(log), async (target) => ({
        label: target.label,
        provisioning: await benchProvisioning(target.core, provisioningOptions),
      }));
    }
  }

  const usage = await runUsage();
  const billing = await runBilling();
  const invoicing = await runInvoicing();
  log('Benchmark 8: tenantctl start-up, bundled against the old tsx path');
  const cli = await benchCliStartup(cliOptions);

  const sections = [
    '# Tenant Console — benchmarks',
    '',
    `Run ${new Date().toISOString()} with \`npm run bench${args.size > 0 ? ` -- ${[...args].join(' ')}` : ''}\` on ${machine()}; ` +
      `all figures from one process, total ${((performance.now() - started) / 1000).toFixed(0)} s. ` +
      `Load average (1 / 5 / 15 min) ${loadBefore} at the start, ${load()} at the end: other work on the machine shows up as noise.` +
      (quick ? ' **Quick mode: small counts, for checking the harness only.**' : ''),
    '',
    summaryTable(
      [
        { server: 'embedded', result: embedded.provisioning },
        ...(external && !('skipped' in external) ? [{ server: 'external', result: external.provisioning }] : []),
      ],
      embedded.registry,
    ),
    '',
    table(['Usage benchmark', 'figure', 'target', 'verdict'], usageSummaryRows(usage.result), ['left', 'right', 'right', 'left']),
    '',
    table(['Billing benchmark', 'figure', 'target', 'verdict'], billingSummaryRows(billing.result), ['left', 'right', 'right', 'left']),
    '',
    table(['Invoicing benchmark', 'figure', 'target', 'verdict'], invoicingSummaryRows(invoicing.result), ['left', 'right', 'right', 'left']),
    '',
    table(['CLI benchmark', 'figure', 'target', 'verdict'], cliSummaryRows(cli), ['left', 'right', 'right', 'left']),
    '',
    provisioningSection(`1. Provisioning a tenant — ${embedded.label}`, embedded.provisioning),
    '',
  ];
  if (external && 'skipped' in external) {
    sections.push('## 1b. Provisioning a tenant — external server', '', `Skipped: ${external.skipped}.`, '');
  } else if (external) {
    sections.push(provisioningSection(`1b. Provisioning a tenant — ${external.label}`, external.provisioning), '');
  }
  sections.push(registrySection(`2. ${embedded.registry.tenants.toLocaleString('en-US')} tenants in the registry — host mode, ${embedded.label}`, embedded.registry), '');
  sections.push(limitsSection(`3. Limit enforcement — insert throughput, ${embedded.label}`, embedded.limits), '');
  log('Benchmark 4: the audit log (local SQLite)');
  sections.push(auditSection('4. Audit log (local cache)', await benchAudit(auditOptions)), '');
  sections.push(usageSection(`5. Usage metering — ${usage.label}`, usage.result), '');
  sections.push(backupSection(`6. Backup and restore — ${embedded.label}`, embedded.backup), '');
  sections.push(billingSection(`7. Billing lifecycle job — ${billing.label}`, billing.result), '');
  sections.push(invoicingSection(`9. Manual invoicing, per-user pricing — ${invoicing.label}`, invoicing.result), '');
  sections.push(cliSection('8. tenantctl start-up', cli), '');

  const markdown = sections.join('\n');
  process.stdout.write(`\n${markdown}`);
  await mkdir(join(RESULTS_FILE, '..'), { recursive: true });
  await writeFile(RESULTS_FILE, markdown);
  log(`\nWritten to ${RESULTS_FILE}`);
}

/** `--only=provisioning`: benchmark 1 alone (embedded, and the external server with --external); printed, not written. */
async function runProvisioningOnly(started: number, loadBefore: string): Promise<void> {
  log('Starting an embedded PostgreSQL in a fresh data folder…');
  const sections = [
    await withTarget(openEmbeddedTarget, async (target) => {
      log(`Benchmark 1: provisioning on ${target.label}`);
      return provisioningSection(`1. Provisioning a tenant — ${target.label}`, await benchProvisioning(target.core, provisioningOptions));
    }),
  ];
  if (args.has('--external')) {
    const problem = await externalProblem();
    if (problem) sections.push(`## 1b. Provisioning a tenant — external server\n\nSkipped: ${problem}.`);
    else {
      sections.push(await withTarget(() => openExternalTarget(log), async (target) =>
        provisioningSection(`1b. Provisioning a tenant — ${target.label}`, await benchProvisioning(target.core, provisioningOptions)),
      ));
    }
  }
  process.stdout.write(
    `\n# Tenant Console — provisioning benchmark\n\nRun ${new Date().toISOString()} on ${machine()}${quick ? ', quick mode' : ''}; total ` +
      `${((performance.now() - started) / 1000).toFixed(0)} s; load average ${loadBefore} at the start, ${load()} at the end.\n\n${sections.join('\n\n')}\n`,
  );
}

async function runAuditOnly(started: number, loadBefore: string): Promise<void> {
  log('The audit log (local SQLite)');
  const result = await benchAudit(auditOptions);
  const markdown = [
    '# Tenant Console — audit benchmarks',
    '',
    `Run ${new Date().toISOString()} with \`npm run bench -- ${[...args].join(' ')}\` on ${machine()}; total ${((performance.now() - started) / 1000).toFixed(0)} s; ` +
      `load average ${loadBefore} at the start, ${load()} at the end.` + (quick ? ' **Quick mode: smaller counts.**' : ''),
    '',
    auditSection('3. Audit log (local cache)', result),
    '',
  ].join('\n');
  process.stdout.write(`\n${markdown}`);
  // The full report (bench/results/latest.md) is left to full runs.
}

try {
  await (only === 'usage' ? mainUsageOnly() : only === 'billing' ? mainBillingOnly() : only === 'invoicing' ? mainInvoicingOnly() : main());
} catch (error) {
  log(`Benchmark run failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
