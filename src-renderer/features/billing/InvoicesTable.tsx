import { Anchor, Group, Table, Text } from '@mantine/core';
import { IconExternalLink } from '@tabler/icons-react';
import type { InvoiceSummary } from '../../../src-shared/contract/billing-models';
import { formatDate, formatMoney } from '../../lib/format';
import { InvoiceStateBadge } from './BillingBadges';
import { InvoiceActions } from './InvoiceActions';

function Th({ children, w, right }: { children: string; w?: number; right?: boolean }) {
  return (
    <Table.Th w={w} ta={right ? 'right' : undefined}>
      <Text fw={600} size="xs" tt="uppercase" c="dimmed">
        {children}
      </Text>
    </Table.Th>
  );
}

/**
 * Invoices with their state, total and due date; the fleet view names the tenant, the
 * tenant's own list does not. Stripe's hosted page opens outside the console (the link
 * goes through the safe external-link function in the desktop app).
 */
export function InvoicesTable({ invoices, showTenant, testId }: { invoices: readonly InvoiceSummary[]; showTenant: boolean; testId: string }) {
  return (
    <Table.ScrollContainer minWidth={showTenant ? 640 : 540}>
      <Table verticalSpacing="xs" highlightOnHover data-testid={testId} aria-label="Invoices">
        <Table.Thead>
          <Table.Tr>
            <Th w={120}>Number</Th>
            {showTenant && <Th>Tenant</Th>}
            <Th w={90}>State</Th>
            <Th w={100} right>
              Total
            </Th>
            <Th w={110}>Due</Th>
            <Th w={100} right>
              Actions
            </Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {invoices.map((invoice) => {
            const open = invoice.totalCents - invoice.amountPaidCents;
            return (
              <Table.Tr key={invoice.id} data-testid="invoice-row" data-number={invoice.number ?? ''} data-state={invoice.overdue ? 'overdue' : invoice.state}>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Text size="sm" ff="monospace" fw={600} c={invoice.number ? undefined : 'dimmed'}>
                      {invoice.number ?? 'draft'}
                    </Text>
                    {invoice.hostedInvoiceUrl && (
                      <Anchor href={invoice.hostedInvoiceUrl} target="_blank" rel="noreferrer" size="xs" aria-label={`Stripe's page of ${invoice.number ?? 'the invoice'}`} data-testid="invoice-hosted-link">
                        <IconExternalLink size={14} />
                      </Anchor>
                    )}
                  </Group>
                  {invoice.periodStart && (
                    <Text size="xs" c="dimmed">
                      {formatDate(invoice.periodStart)} – {formatDate(invoice.periodEnd)}
                    </Text>
                  )}
                </Table.Td>
                {showTenant && (
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {invoice.companyName}
                    </Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {invoice.tenantCode}
                    </Text>
                  </Table.Td>
                )}
                <Table.Td>
                  <InvoiceStateBadge state={invoice.state} overdue={invoice.overdue} />
                </Table.Td>
                <Table.Td ta="right">
                  <Text size="sm" className="tabular" fw={600}>
                    {formatMoney(invoice.totalCents, invoice.currency)}
                  </Text>
                  {invoice.amountPaidCents > 0 && invoice.state === 'open' && (
                    <Text size="xs" c="dimmed" className="tabular">
                      {formatMoney(open, invoice.currency)} open
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c={invoice.overdue ? 'red' : undefined}>
                    {invoice.state === 'paid' ? `paid ${formatDate(invoice.paidAt)}` : formatDate(invoice.dueAt)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <InvoiceActions invoice={invoice} compact />
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
