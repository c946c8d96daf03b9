import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from './cli-context';
import type { BillingSettings, Notice, TenantBilling } from '../../src-shared/contract/billing-models';
import type { ChannelInput } from '../../src-shared/contract/channels';
import { CliError } from './output';
import { withCliSession } from './session';

const json = { flags: '--json', description: 'print JSON (snake_case) instead of text' } as const;

function integerOption(label: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${label} must be a whole number from ${min} to ${max}.`);
    return n;
  };
}

function percentOption(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError('The tax rate is a percentage from 0 to 100.');
  return n;
}

const money = (cents: number, currency: string) => `${(cents / 100).toFixed(2)} ${currency}`;

/** Secrets come from standard input only (never argv, which other users can read): one line per flag, in the order given below. */
async function readStdinLines(cli: CliContext, count: number): Promise<string[]> {
  if (cli.io.stdin.isTTY) throw new CliError({ code: 'VALIDATION', message: 'Pipe the secret(s) on standard input, e.g. `printf %s "$SMTP_PASSWORD" | tenantctl billing settings --smtp-password-stdin`.' });
  const chunks: Buffer[] = [];
  for await (const chunk of cli.io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  const lines = Buffer.concat(chunks).toString('utf8').split(/\r?\n/).map((line) => line.trim());
  while (lines.length > count && lines[lines.length - 1] === '') lines.pop();
  if (lines.length !== count || lines.some((line) => line === '')) {
    throw new CliError({ code: 'VALIDATION', message: `Expected ${count} non-empty line${count === 1 ? '' : 's'} on standard input (one per --…-stdin flag).` });
  }
  return lines;
}

function printSettings(cli: CliContext, settings: BillingSettings): void {
  cli.printFields([
    ['Mode', settings.mode],
    ['Currency', settings.currency],
    ['Tax rate', `${settings.taxRatePercent}%`],
    ['Invoice due', `${settings.invoiceDueDays} days`],
    ['Overdue after', `${settings.overdueDays} days past due`],
    ['Grace period', `${settings.gracePeriodDays} days`],
    ['Trial notice', `${settings.trialNoticeDays} days before the end`],
    ['Job interval', `${settings.jobIntervalMinutes} minutes`],
    ['SMTP', settings.smtp.host ? `${settings.smtp.host}:${settings.smtp.port}${settings.smtp.secure ? ' (TLS)' : settings.smtp.allowPlaintext ? ' (plaintext allowed!)' : ''}, user ${settings.smtp.username ?? '—'}, from ${settings.smtp.from ?? '—'}` : 'not configured'],
    ['SMTP password', settings.smtpPasswordSet ? 'set' : 'not set'],
    ['Stripe secret key', settings.stripeSecretKeySet ? 'set' : 'not set'],
    ['Stripe webhook secret', settings.stripeWebhookSecretSet ? 'set' : 'not set'],
    ['Secrets kept in', settings.secretStore],
  ]);
}

function printNotices(cli: CliContext, notices: readonly Notice[]): void {
  if (notices.length === 0) {
    cli.out('No notices.\n');
    return;
  }
  cli.printTable(
    ['CREATED', 'TENANT', 'KIND', 'TO', 'STATE', 'TRIES', 'SUBJECT / ERROR'],
    notices.map((n) => [n.createdAt, n.tenantCode ?? '—', n.kind, n.recipient, n.state, String(n.attempts), n.lastError && n.state !== 'sent' ? n.lastError : n.subject]),
  );
}

function printTenantBilling(cli: CliContext, billing: TenantBilling): void {
  cli.printFields([
    ['Tenant', `${billing.tenantCode}  ${billing.companyName} (${billing.tenantStatus})`],
    ['Plan', `${billing.plan.name} v${billing.plan.version} — ${billing.plan.priceCents === null ? 'by contract' : money(billing.plan.priceCents, billing.plan.currency)} / ${billing.plan.interval}`],
    ['Billing state', `${billing.state} (${billing.mode})`],
    ['Trial ends', billing.trialEndsAt],
    ['Converts to', billing.conversionPlanCode],
    ['Payment method', billing.paymentMethodPresent ? (billing.paymentMethodLabel ?? 'present') : 'none'],
    ['Period', billing.currentPeriodStart ? `${billing.currentPeriodStart} → ${billing.currentPeriodEnd ?? '—'}${billing.cancelAtPeriodEnd ? ' (cancels at the end)' : ''}` : null],
    ['Pending plan', billing.pendingPlan ? `${billing.pendingPlan.code} v${billing.pendingPlan.version}` : null],
    ['Next invoice', billing.nextInvoice ? `${billing.nextInvoice.date}: ~${money(billing.nextInvoice.estimatedCents, billing.nextInvoice.currency)}` : null],
    ['Grace period', billing.grace ? `${billing.grace.reason} until ${billing.grace.endsAt}` : null],
    ['Suspended by billing', billing.suspendedByBilling ? 'yes' : 'no'],
    ['Last error', billing.lastError],
  ]);
  if (billing.invoices.length > 0) {
    cli.out('\n');
    cli.printTable(
      ['NUMBER', 'STATE', 'TOTAL', 'PAID', 'DUE'],
      billing.invoices.map((i) => [i.number ?? '(draft)', i.overdue ? `${i.state} (overdue)` : i.state, money(i.totalCents, i.currency), money(i.amountPaidCents, i.currency), i.dueAt ?? '—']),
    );
  }
  if (billing.notices.length > 0) {
    cli.out('\n');
    printNotices(cli, billing.notices);
  }
}

interface SettingsOptions {
  mode?: 'manual' | 'stripe';
  taxRate?: number;
  currency?: string;
  graceDays?: number;
  overdueDays?: number;
  dueDays?: number;
  smtpHost?: string;
  smtpPort?: number;
  smtpSecure?: boolean;
  smtpUser?: string;
  smtpFrom?: string;
  smtpAllowPlaintext?: boolean;
  smtpPasswordStdin?: boolean;
  stripeKeyStdin?: boolean;
  stripeWebhookSecretStdin?: boolean;
  json?: boolean;
}

export function registerBillingCommands(program: Command, cli: CliContext): void {
  const billing = program.command('billing').description("billing: a tenant's subscription, the billing settings, e-mail notices");

  billing
    .command('show')
    .description("a tenant's billing: plan, state, payment method, period, grace period, invoices and notices")
    .argument('<ref>', 'tenant code (ACME001) or subdomain')
    .option(json.flags, json.description)
    .action(async (ref: string, options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const result = await session.call('billing:tenant', { ref });
        if (options.json) cli.printJson(result);
        else printTenantBilling(cli, result);
      });
    });

  billing
    .command('settings')
    .description('show or change the billing settings; secrets only from standard input (one line per --…-stdin flag, in the order listed)')
    .option('--mode <mode>', 'manual (the console invoices) or stripe', (value: string) => {
      if (value !== 'manual' && value !== 'stripe') throw new InvalidArgumentError('--mode is manual or stripe.');
      return value;
    })
    .option('--tax-rate <pct>', 'tax rate in percent (0–100)', percentOption)
    .option('--currency <iso>', 'currency, an ISO code such as USD')
    .option('--grace-days <n>', 'grace period before suspension (0–365 days)', integerOption('--grace-days', 0, 365))
    .option('--overdue-days <n>', 'days past due before a manual invoice starts the grace period (0–365)', integerOption('--overdue-days', 0, 365))
    .option('--due-days <n>', 'days from issue to due date of a manual invoice (0–365)', integerOption('--due-days', 0, 365))
    .option('--smtp-host <host>', 'SMTP server host name')
    .option('--smtp-port <n>', 'SMTP port (587 with STARTTLS, 465 with --smtp-secure)', integerOption('--smtp-port', 1, 65535))
    .option('--smtp-secure', 'TLS from the first byte (port 465)')
    .option('--smtp-user <user>', 'SMTP user name')
    .option('--smtp-from <address>', 'From address, e.g. "Your ERP <billing@yourerp.com>"')
    .option('--smtp-allow-plaintext', 'allow sending without TLS to a server that is not on this machine (not recommended)')
    .option('--no-smtp-allow-plaintext', 'require TLS again for a server that is not on this machine')
    .option('--smtp-password-stdin', 'read the SMTP password from standard input')
    .option('--stripe-key-stdin', 'read the Stripe secret key from standard input')
    .option('--stripe-webhook-secret-stdin', 'read the Stripe webhook signing secret from standard input')
    .option(json.flags, json.description)
    .action(async (options: SettingsOptions) => {
      const secretFlags = [options.smtpPasswordStdin, options.stripeKeyStdin, options.stripeWebhookSecretStdin].filter(Boolean).length;
      const secrets = secretFlags > 0 ? await readStdinLines(cli, secretFlags) : [];
      await withCliSession(cli, async (session) => {
        const patch: { -readonly [K in keyof ChannelInput<'billing:updateSettings'>]: ChannelInput<'billing:updateSettings'>[K] } = {};
        if (options.mode !== undefined) patch.mode = options.mode;
        if (options.taxRate !== undefined) patch.taxRatePercent = options.taxRate;
        if (options.currency !== undefined) patch.currency = options.currency.toUpperCase();
        if (options.graceDays !== undefined) patch.gracePeriodDays = options.graceDays;
        if (options.overdueDays !== undefined) patch.overdueDays = options.overdueDays;
        if (options.dueDays !== undefined) patch.invoiceDueDays = options.dueDays;
        const smtpChanged = [options.smtpHost, options.smtpPort, options.smtpSecure, options.smtpUser, options.smtpFrom, options.smtpAllowPlaintext].some((value) => value !== undefined);
        if (smtpChanged) {
          // The SMTP settings are written as a whole: unchanged fields keep their values.
          const current = (await session.call('billing:settings', {})).smtp;
          patch.smtp = {
            host: options.smtpHost ?? current.host,
            port: options.smtpPort ?? current.port,
            secure: options.smtpSecure ?? current.secure,
            username: options.smtpUser ?? current.username,
            from: options.smtpFrom ?? current.from,
            allowPlaintext: options.smtpAllowPlaintext ?? current.allowPlaintext,
          };
        }
        const queue = [...secrets];
        if (options.smtpPasswordStdin) patch.smtpPassword = queue.shift()!;
        if (options.stripeKeyStdin) patch.stripeSecretKey = queue.shift()!;
        if (options.stripeWebhookSecretStdin) patch.stripeWebhookSecret = queue.shift()!;
        const settings = Object.keys(patch).length > 0 ? await session.call('billing:updateSettings', patch) : await session.call('billing:settings', {});
        if (options.json) cli.printJson(settings);
        else printSettings(cli, settings);
      });
    });

  billing
    .command('notices')
    .description('the e-mail notices sent (or waiting), newest first')
    .option('--tenant <ref>', "only this tenant's notices")
    .option('--limit <n>', 'how many (1–500, default 50)', integerOption('--limit', 1, 500), 50)
    .option(json.flags, json.description)
    .action(async (options: { tenant?: string; limit: number; json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const notices = await session.call('billing:notices', { ...(options.tenant ? { ref: options.tenant } : {}), limit: options.limit });
        if (options.json) cli.printJson(notices);
        else printNotices(cli, notices);
      });
    });

  billing
    .command('test-email')
    .description('send a test e-mail with the SMTP settings')
    .argument('<to>', 'recipient address')
    .option(json.flags, json.description)
    .action(async (to: string, options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const result = await session.call('billing:testEmail', { to });
        if (options.json) cli.printJson(result);
        else cli.out(`Sent a test e-mail to ${to} (Message-ID ${result.messageId}).\n`);
      });
    });
}
