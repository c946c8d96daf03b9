import type { ReactNode } from 'react';
import { Badge, Group, Table, Text } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import type { FleetBillingRow } from '../../../src-shared/contract/billing-models';
import { formatDate, formatMoney } from '../../lib/format';
import { useTenantDetailStore } from '../../store/tenant-detail-store';
import { PlanBadge } from '../tenants/badges';
import { BillingStateBadge } from './BillingBadges';
import { GRACE_REASON_LABELS, daysPhrase, daysUntil } from './billing-labels';

function Th({ children, w }: { children: string; w?: number }) {
  return (
    <Table.Th w={w}>
      <Text fw={600} size="xs" tt="uppercase" c="dimmed">
        {children}
      </Text>
    </Table.Th>
  );
}

function TenantCell({ row }: { row: FleetBillingRow }) {
  return (
    <>
      <Text size="sm" fw={600}>
        {row.companyName}
      </Text>
      <Text size="xs" c="dimmed" ff="monospace">
        {row.tenantCode}
      </Text>
    </>
  );
}

export function NoneYet({ message, testId }: { message: string; testId: string }) {
  return (
    <Group gap="xs" py="md" justify="center" data-testid={testId}>
      <IconCircleCheck size={18} color="var(--mantine-color-teal-6)" />
      <Text size="sm" c="dimmed">
        {message}
      </Text>
    </Group>
  );
}

/** Trials ending within the week (by the console's clock); a row opens the tenant. */
export function TrialsTable({ rows, now }: { rows: readonly FleetBillingRow[]; now: string }) {
  const open = useTenantDetailStore((state) => state.open);
  if (rows.length === 0) return <NoneYet message="No trial ends this week." testId="trials-none" />;
  return (
    <Table.ScrollContainer minWidth={460}>
      <Table highlightOnHover verticalSpacing="xs" data-testid="trials-table" aria-label="Trials ending this week">
        <Table.Thead>
          <Table.Tr>
            <Th>Tenant</Th>
            <Th w={90}>Plan</Th>
            <Th w={120}>Trial ends</Th>
            <Th w={120}>Then</Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => {
            const days = daysUntil(row.trialEndsAt, now);
            // Ended by the console's clock but not yet handled by the lifecycle job.
            const lapsed = row.trialEndsAt !== null && Date.parse(row.trialEndsAt) < Date.parse(now);
            return (
              <Table.Tr key={row.tenantCode} onClick={() => open(row.tenantCode)} style={{ cursor: 'pointer' }} data-testid="trial-row" data-code={row.tenantCode}>
                <Table.Td>
                  <TenantCell row={row} />
                </Table.Td>
                <Table.Td>
                  <PlanBadge plan={row.planCode} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatDate(row.trialEndsAt)}</Text>
                  <Text size="xs" c={lapsed ? 'red' : 'dimmed'}>
                    {lapsed ? 'lapsed: the next run acts on it' : daysPhrase(days)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c={row.paymentMethodPresent ? 'teal' : 'orange'}>
                    {row.paymentMethodPresent ? 'Converts' : 'Grace period'}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {row.paymentMethodPresent ? 'card on file' : 'no card on file'}
                  </Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Tenants behind on payment: past due, unpaid, in a grace period or suspended by billing. */
export function PastDueTable({ rows, now, currency }: { rows: readonly FleetBillingRow[]; now: string; currency: string }) {
  const open = useTenantDetailStore((state) => state.open);
  if (rows.length === 0) return <NoneYet message="Every paying tenant is up to date." testId="past-due-none" />;
  return (
    <Table.ScrollContainer minWidth={480}>
      <Table highlightOnHover verticalSpacing="xs" data-testid="past-due-table" aria-label="Past due and in grace">
        <Table.Thead>
          <Table.Tr>
            <Th>Tenant</Th>
            <Th w={100}>State</Th>
            <Th>Grace period</Th>
            <Th w={80}>Owes</Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => {
            const days = daysUntil(row.graceEndsAt, now);
            return (
              <Table.Tr key={row.tenantCode} onClick={() => open(row.tenantCode)} style={{ cursor: 'pointer' }} data-testid="past-due-row" data-code={row.tenantCode}>
                <Table.Td>
                  <TenantCell row={row} />
                </Table.Td>
                <Table.Td>
                  <Stack2>
                    <BillingStateBadge state={row.state} />
                    {row.tenantStatus === 'suspended' && (
                      <Badge variant="outline" color="red" tt="none" size="sm">
                        Suspended
                      </Badge>
                    )}
                  </Stack2>
                </Table.Td>
                <Table.Td>
                  {row.graceEndsAt ? (
                    <>
                      <Text size="sm" c={days !== null && days <= 0 ? 'red' : undefined}>
                        {days !== null && days <= 0 ? `ended ${daysPhrase(days)}` : `ends ${daysPhrase(days)}`}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {row.graceReason ? GRACE_REASON_LABELS[row.graceReason] : ''} · {formatDate(row.graceEndsAt)}
                      </Text>
                    </>
                  ) : (
                    <Text size="sm" c="dimmed">
                      —
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" className="tabular" fw={row.amountDueCents > 0 ? 600 : undefined}>
                    {formatMoney(row.amountDueCents, currency)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function Stack2({ children }: { children: ReactNode }) {
  return (
    <Group gap={4} wrap="wrap">
      {children}
    </Group>
  );
}
