import { copyFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from './cli-context';
import { INVOICE_STATES, type InvoiceDetail, type InvoiceState, type InvoiceSummary } from '../../src-shared/contract/billing-models';
import { formatMoney } from '../billing/invoices/money';
import { withCliSession } from './session';

const json = { flags: '--json', description: 'print JSON (snake_case) instead of text' } as const;

function parseStates(value: string): InvoiceState[] {
  const states = value.split(',').map((state) => state.trim()).filter(Boolean);
  const unknown = states.filter((state) => !(INVOICE_STATES as readonly string[]).includes(state));
  if (states.length === 0 || unknown.length > 0) throw new InvalidArgumentError(`States are a comma-separated list of ${INVOICE_STATES.join(', ')}.`);
  return states as InvoiceState[];
}

function parseWhole(label: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${label} must be a whole number from ${min} to ${max}.`);
    return n;
  };
}

interface LineInput {
  description: string;
  quantity: number;
  unitCents: number;
}

/** "Description:qty:unit_cents" (the description may hold colons: the last two fields are the numbers); repeatable. */
function collectLine(value: string, previous: LineInput[] = []): LineInput[] {
  const match = /^(.+):(\d+):(-?\d+)$/s.exec(value);
  if (!match) throw new InvalidArgumentError(`A line is "Description:quantity:unit_cents", e.g. "Setup:1:15000" (got "${value}").`);
  return [...previous, { description: match[1]!.trim(), quantity: Number(match[2]), unitCents: Number(match[3]) }];
}

function parseIsoTime(value: string): string {
  if (Number.isNaN(Date.parse(value)) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) throw new InvalidArgumentError('Use an ISO date-time with an offset, e.g. 2027-02-03T10:00:00Z.');
  return value;
}

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '—');
const name = (invoice: Pick<InvoiceSummary, 'number' | 'id'>) => invoice.number ?? `draft ${invoice.id}`;

function stateText(invoice: InvoiceSummary): string {
  return invoice.overdue ? 'open (overdue)' : invoice.state;
}

function printInvoice(cli: CliContext, invoice: InvoiceDetail): void {
  const money = (cents: number) => formatMoney(cents, invoice.currency);
  cli.printFields([
    ['Invoice', name(invoice)],
    ['Id', invoice.id],
    ['Tenant', `${invoice.tenantCode}  ${invoice.companyName}`],
    ['State', stateText(invoice)],
    ['Period', invoice.periodStart ? `${day(invoice.periodStart)} – ${day(invoice.periodEnd)}` : null],
    ['Issued', day(invoice.issuedAt)],
    ['Due', day(invoice.dueAt)],
    ['Paid', invoice.paidAt ? day(invoice.paidAt) : null],
    ['Subtotal', money(invoice.subtotalCents)],
    [`Tax (${invoice.taxRatePercent}%)`, money(invoice.taxCents)],
    ['Total', money(invoice.totalCents)],
    ['Amount paid', money(invoice.amountPaidCents)],
    ['Amount due', money(invoice.state === 'void' ? 0 : invoice.totalCents - invoice.amountPaidCents)],
    ['Voided', invoice.voidedAt ? `${day(invoice.voidedAt)}: ${invoice.voidReason ?? ''}` : null],
  ]);
  cli.out('\n');
  cli.printTable(
    ['KIND', 'DESCRIPTION', 'QTY', 'UNIT', 'AMOUNT'],
    invoice.lines.map((line) => [line.kind, line.description, line.quantity.toLocaleString('en-US'), money(line.unitCents), money(line.amountCents)]),
  );
  if (invoice.payments.length > 0) {
    cli.out('\n');
    cli.printTable(
      ['RECEIVED', 'AMOUNT', 'METHOD', 'REFERENCE', 'RECORDED BY'],
      invoice.payments.map((payment) => [day(payment.receivedAt), money(payment.amountCents), payment.method, payment.reference ?? '', payment.recordedBy]),
    );
  }
}

export function registerInvoiceCommands(program: Command, cli: CliContext): void {
  const invoices = program.command('invoices').description('manual invoices: list, show, create, finalize, void, record payments, write PDFs');

  invoices
    .command('list')
    .description('invoices, newest first')
    .option('--tenant <ref>', 'only this tenant (code or subdomain)')
    .option('--state <states>', `only these states (comma-separated: ${INVOICE_STATES.join(',')})`, parseStates)
    .option('--overdue', 'only open invoices past their due date')
    .option('--limit <n>', 'how many (1–500, default 50)', parseWhole('Limit', 1, 500), 50)
    .option('--offset <n>', 'skip this many', parseWhole('Offset', 0, 1_000_000_000), 0)
    .option(json.flags, json.description)
    .action(async (options: { tenant?: string; state?: InvoiceState[]; overdue?: boolean; limit: number; offset: number; json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const page = await session.call('invoices:list', {
          ...(options.tenant ? { ref: options.tenant } : {}),
          ...(options.state ? { state: options.state } : {}),
          overdueOnly: options.overdue ?? false,
          limit: options.limit,
          offset: options.offset,
        });
        if (options.json) return cli.printJson(page);
        if (page.rows.length === 0) return void cli.out('No invoices.\n');
        cli.printTable(
          ['NUMBER', 'TENANT', 'STATE', 'ISSUED', 'DUE', 'TOTAL', 'PAID'],
          page.rows.map((row) => [
            name(row),
            row.tenantCode,
            stateText(row),
            day(row.issuedAt),
            day(row.dueAt),
            formatMoney(row.totalCents, row.currency),
            formatMoney(row.amountPaidCents, row.currency),
          ]),
        );
        cli.out(`\n${page.rows.length} of ${page.total} invoice${page.total === 1 ? '' : 's'}.\n`);
      });
    });

  invoices
    .command('show')
    .description('one invoice with its lines and payments')
    .argument('<invoice>', 'invoice id or number (INV-000042)')
    .option(json.flags, json.description)
    .action(async (id: string, options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const invoice = await session.call('invoices:get', { id });
        if (options.json) cli.printJson(invoice);
        else printInvoice(cli, invoice);
      });
    });

  invoices
    .command('create')
    .description('a one-off invoice for a tenant, as a draft (finalize it to number it)')
    .argument('<ref>', 'tenant code or subdomain')
    .requiredOption('--line <line>', 'a line "Description:quantity:unit_cents" (repeat for more lines)', collectLine)
    .option(json.flags, json.description)
    .action(async (ref: string, options: { line: LineInput[]; json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const invoice = await session.call('invoices:create', { ref, lines: options.line });
        if (options.json) return cli.printJson(invoice);
        cli.out(`Draft ${invoice.id} for ${invoice.tenantCode}: ${formatMoney(invoice.totalCents, invoice.currency)}.\n`);
      });
    });

  invoices
    .command('finalize')
    .description('number a draft (gapless) and open it: issued now, due after the setting’s days')
    .argument('<invoice>', 'invoice id')
    .option(json.flags, json.description)
    .action(async (id: string, options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const invoice = await session.call('invoices:finalize', { id });
        if (options.json) return cli.printJson(invoice);
        cli.out(`${name(invoice)} issued to ${invoice.tenantCode}: ${formatMoney(invoice.totalCents, invoice.currency)}, due ${day(invoice.dueAt)}.\n`);
      });
    });

  invoices
    .command('void')
    .description('void a draft or open invoice (it keeps its number)')
    .argument('<invoice>', 'invoice id or number')
    .requiredOption('--reason <text>', 'why (kept with the invoice and in the audit log)')
    .option(json.flags, json.description)
    .action(async (id: string, options: { reason: string; json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const invoice = await session.call('invoices:void', { id, reason: options.reason });
        if (options.json) return cli.printJson(invoice);
        cli.out(`${name(invoice)} is void.\n`);
      });
    });

  invoices
    .command('pay')
    .description('record a payment received for an open invoice (partial payments add up)')
    .argument('<invoice>', 'invoice id or number')
    .requiredOption('--amount-cents <n>', 'the amount received, in cents', parseWhole('The amount', 1, 1_000_000_000_000))
    .requiredOption('--method <text>', 'how it was paid (bank transfer, card, cash …)')
    .option('--reference <text>', 'the bank reference or receipt number')
    .option('--received-at <iso>', 'when it was received (default: now)', parseIsoTime)
    .option(json.flags, json.description)
    .action(async (id: string, options: { amountCents: number; method: string; reference?: string; receivedAt?: string; json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const invoice = await session.call('invoices:recordPayment', {
          id,
          amountCents: options.amountCents,
          method: options.method,
          ...(options.reference ? { reference: options.reference } : {}),
          ...(options.receivedAt ? { receivedAt: options.receivedAt } : {}),
        });
        if (options.json) return cli.printJson(invoice);
        const due = invoice.totalCents - invoice.amountPaidCents;
        cli.out(
          invoice.state === 'paid'
            ? `${name(invoice)} is paid (${formatMoney(invoice.amountPaidCents, invoice.currency)}).\n`
            : `${name(invoice)}: ${formatMoney(invoice.amountPaidCents, invoice.currency)} paid, ${formatMoney(due, invoice.currency)} still due.\n`,
        );
      });
    });

  invoices
    .command('pdf')
    .description("write the invoice's PDF (into the data folder's invoices/, and to --out if given)")
    .argument('<invoice>', 'invoice id or number')
    .option('--out <file>', 'also copy it here')
    .option(json.flags, json.description)
    .action(async (id: string, options: { out?: string; json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const pdf = await session.call('invoices:pdf', { id });
        const path = options.out ? resolve(options.out) : pdf.path;
        if (options.out) await copyFile(pdf.path, path);
        if (options.json) return cli.printJson({ ...pdf, path });
        cli.out(`Wrote ${path} (${pdf.bytes.toLocaleString('en-US')} bytes).\n`);
      });
    });
}
