import { useState } from 'react';
import { ActionIcon, Alert, Button, Group, Menu, NumberInput, Select, Stack, Text, TextInput, Textarea, Tooltip } from '@mantine/core';
import { Modal } from '../../components/Modal';
import { IconCash, IconCircleCheck, IconDots, IconFileTypePdf, IconReceiptOff } from '@tabler/icons-react';
import type { InvoicePdf, InvoiceSummary } from '../../../src-shared/contract/billing-models';
import { api } from '../../api/client';
import { errorMessage } from '../../api/api-error';
import { formatBytes, formatMoney } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useActionBlocks } from '../../store/action-block';
import { CopyPath } from '../backups/CopyPath';
import { invalidate } from '../../store/invalidation';
import { BlockedAction } from '../offline/BlockedAction';
import { contractProblems } from './contract-problems';

const PAYMENT_METHODS = ['bank transfer', 'card', 'cash', 'cheque', 'direct debit', 'other'];

type Dialog = 'payment' | 'void' | 'pdf' | null;

/**
 * An invoice's actions: record a payment and void (open invoices, manual ones), and its PDF
 * (written on the console's machine; the path is shown, as exports are).
 */
export function InvoiceActions({ invoice, compact = true }: { invoice: InvoiceSummary; compact?: boolean }) {
  // The billing overview and the tenant's Billing tab (whichever is open) show the invoice again.
  const changed = () => invalidate({ event: 'invoice:changed' });
  const [dialog, setDialog] = useState<Dialog>(null);
  const blockOf = useActionBlocks();
  const paymentBlocked = blockOf('invoices:recordPayment');
  const voidBlocked = blockOf('invoices:void');
  const payable = invoice.state === 'open' && invoice.source === 'manual';
  const voidable = (invoice.state === 'open' || invoice.state === 'draft') && invoice.source === 'manual';
  const label = invoice.number ?? 'draft invoice';
  return (
    <Group gap={4} wrap="nowrap" justify="flex-end" onClick={(event) => event.stopPropagation()}>
      {payable && (
        <BlockedAction reason={paymentBlocked}>
          {compact ? (
            <Tooltip label="Record a payment">
              <ActionIcon variant="light" onClick={() => setDialog('payment')} disabled={paymentBlocked !== null} aria-label={`Record a payment for ${label}`} data-testid="invoice-record-payment">
                <IconCash size={16} />
              </ActionIcon>
            </Tooltip>
          ) : (
            <Button size="compact-xs" variant="light" leftSection={<IconCash size={14} />} onClick={() => setDialog('payment')} disabled={paymentBlocked !== null} data-testid="invoice-record-payment">
              Record payment
            </Button>
          )}
        </BlockedAction>
      )}
      <Tooltip label="Write the PDF">
        <ActionIcon variant="subtle" color="gray" onClick={() => setDialog('pdf')} disabled={invoice.state === 'draft'} aria-label={`PDF of ${label}`} data-testid="invoice-pdf">
          <IconFileTypePdf size={16} />
        </ActionIcon>
      </Tooltip>
      {voidable && (
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <ActionIcon variant="subtle" color="gray" aria-label={`More actions for ${label}`} data-testid="invoice-more">
              <IconDots size={16} />
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item color="red" leftSection={<IconReceiptOff size={14} />} onClick={() => setDialog('void')} disabled={voidBlocked !== null} data-testid="invoice-void">
              Void…
            </Menu.Item>
            {voidBlocked && <Menu.Label maw={240}>{voidBlocked}</Menu.Label>}
          </Menu.Dropdown>
        </Menu>
      )}
      {dialog === 'payment' && <RecordPaymentModal invoice={invoice} onClose={() => setDialog(null)} onDone={changed} />}
      {dialog === 'void' && <VoidInvoiceModal invoice={invoice} onClose={() => setDialog(null)} onDone={changed} />}
      {dialog === 'pdf' && <InvoicePdfModal invoice={invoice} onClose={() => setDialog(null)} />}
    </Group>
  );
}

function RecordPaymentModal({ invoice, onClose, onDone }: { invoice: InvoiceSummary; onClose: () => void; onDone: () => void }) {
  const remaining = Math.max(0, invoice.totalCents - invoice.amountPaidCents);
  const [amount, setAmount] = useState<number | string>(remaining / 100);
  const [method, setMethod] = useState<string | null>('bank transfer');
  const [reference, setReference] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const amountCents = typeof amount === 'number' ? Math.round(amount * 100) : Number.NaN;
  const input = { id: invoice.id, amountCents, method: method ?? '', ...(reference.trim() ? { reference: reference.trim() } : {}) };
  const problems = contractProblems('invoices:recordPayment', input);

  async function save() {
    setSaving(true);
    setError(null);
    try {
      const paid = await api().call('invoices:recordPayment', input);
      notifySuccess('Payment recorded', `${paid.number ?? 'The invoice'}: ${formatMoney(amountCents, invoice.currency)} received; ${paid.state === 'paid' ? 'paid in full' : `${formatMoney(paid.totalCents - paid.amountPaidCents, paid.currency)} still open`}.`);
      onDone();
      onClose();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title={<Text fw={650}>Record a payment for {invoice.number}</Text>} data-testid="record-payment-modal">
      {/* A form, so Enter in any field records the payment as the button does. */}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!saving && Object.keys(problems).length === 0) void save();
        }}
        data-testid="record-payment-form"
      >
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            {invoice.companyName} · total {formatMoney(invoice.totalCents, invoice.currency)}, {formatMoney(remaining, invoice.currency)} open. A payment in full marks the
            invoice paid and lifts a billing suspension.
          </Text>
          <NumberInput
            label={`Amount (${invoice.currency})`}
            value={amount}
            onChange={setAmount}
            min={0}
            decimalScale={2}
            fixedDecimalScale
            thousandSeparator
            error={amount === '' ? 'Enter an amount.' : problems.amountCents}
            data-testid="payment-amount"
          />
          <Select label="Method" data={PAYMENT_METHODS} value={method} onChange={setMethod} allowDeselect={false} error={problems.method} data-testid="payment-method" />
          <TextInput label="Reference (optional)" placeholder="e.g. bank statement line" value={reference} onChange={(event) => setReference(event.currentTarget.value)} error={problems.reference} data-testid="payment-reference" />
          {error && (
            <Alert color="red" variant="light" data-testid="payment-error">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={saving}>
              Cancel
            </Button>
            <Button type="submit" loading={saving} disabled={Object.keys(problems).length > 0} data-testid="payment-submit">
              Record payment
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function VoidInvoiceModal({ invoice, onClose, onDone }: { invoice: InvoiceSummary; onClose: () => void; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [saving, setSaving] = useState(false);
  const [touched, setTouched] = useState(false);
  const problems = contractProblems('invoices:void', { id: invoice.id, reason });

  async function save() {
    setSaving(true);
    try {
      await api().call('invoices:void', { id: invoice.id, reason });
      notifySuccess('Invoice voided', `${invoice.number ?? 'The draft'} is void; its number stays used, so the series keeps no gap.`);
      onDone();
      onClose();
    } catch (failure) {
      notifyError(`Could not void ${invoice.number ?? 'the draft'}`, failure);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title={<Text fw={650}>Void {invoice.number ?? 'draft invoice'}</Text>} data-testid="void-invoice-modal">
      <Stack gap="md">
        <Text size="sm">
          {invoice.companyName} no longer owes {formatMoney(invoice.totalCents - invoice.amountPaidCents, invoice.currency)} on it. A void invoice keeps its number and
          stays in the books.
        </Text>
        <Textarea
          label="Reason"
          placeholder="e.g. Issued twice"
          value={reason}
          onChange={(event) => setReason(event.currentTarget.value)}
          onBlur={() => setTouched(true)}
          error={touched ? problems.reason : undefined}
          autosize
          minRows={2}
          data-testid="void-reason"
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={saving}>
            Cancel
          </Button>
          <Button color="red" onClick={() => void save()} loading={saving} disabled={Object.keys(problems).length > 0} data-testid="void-submit">
            Void invoice
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function InvoicePdfModal({ invoice, onClose }: { invoice: InvoiceSummary; onClose: () => void }) {
  const [pdf, setPdf] = useState<InvoicePdf | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [writing, setWriting] = useState(false);

  async function write() {
    setWriting(true);
    setError(null);
    try {
      setPdf(await api().call('invoices:pdf', { id: invoice.id }));
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setWriting(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title={<Text fw={650}>PDF of {invoice.number}</Text>} data-testid="invoice-pdf-modal">
      <Stack gap="md">
        {pdf ? (
          <>
            <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} title="PDF written" data-testid="invoice-pdf-done">
              {formatBytes(pdf.bytes)}, on the console’s machine:
            </Alert>
            <CopyPath path={pdf.path} testId="invoice-pdf-path" />
          </>
        ) : (
          <Text size="sm">Writes the invoice as a PDF into the console’s data folder (invoices/{invoice.number}.pdf), to send or print.</Text>
        )}
        {error && (
          <Alert color="red" variant="light" data-testid="invoice-pdf-error">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          {pdf ? (
            <Button onClick={onClose}>Done</Button>
          ) : (
            <Button onClick={() => void write()} loading={writing} leftSection={<IconFileTypePdf size={16} />} data-testid="invoice-pdf-write">
              Write PDF
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
