import { SimpleGrid, Skeleton, Stack } from '@mantine/core';
import { IconAlertTriangle, IconClockHour4, IconCoin, IconHourglass, IconPlayerPause, IconUserCheck } from '@tabler/icons-react';
import type { BillingOverview } from '../../../src-shared/contract/billing-models';
import { formatCount, formatMoney } from '../../lib/format';
import { StatCard } from '../../components/StatCard';

/** The billing fleet at a glance: MRR per currency and the tenants in each state that needs an eye. */
export function BillingStats({ overview }: { overview: BillingOverview | null }) {
  if (!overview) {
    return (
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="md" data-testid="billing-stats-loading">
        {Array.from({ length: 6 }, (_, index) => (
          <Skeleton key={index} h={96} radius="lg" />
        ))}
      </SimpleGrid>
    );
  }
  const { counts, mrr } = overview;
  const mrrLines = mrr.length === 0 ? [formatMoney(0, overview.currency)] : mrr.map((entry) => formatMoney(entry.cents, entry.currency));
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="md" data-testid="billing-stats">
      <StatCard
        label="MRR"
        value={
          <Stack gap={0}>
            {mrrLines.map((line) => (
              <span key={line}>{line}</span>
            ))}
          </Stack>
        }
        hint={mrr.length > 1 ? 'per currency' : 'active and past-due subscriptions'}
        icon={<IconCoin size={18} />}
        testId="stat-mrr"
      />
      <StatCard label="Trialing" value={formatCount(counts.trialing)} hint={`${formatCount(overview.trialsEndingThisWeek.length)} ending this week`} icon={<IconHourglass size={18} />} color="blue" testId="stat-trialing" />
      <StatCard label="Active" value={formatCount(counts.active)} hint="paying subscriptions" icon={<IconUserCheck size={18} />} color="teal" testId="stat-active" />
      <StatCard
        label="Past due"
        value={formatCount(counts.pastDue + counts.unpaid)}
        hint={counts.unpaid > 0 ? `${formatCount(counts.unpaid)} unpaid` : 'behind on payment'}
        icon={<IconAlertTriangle size={18} />}
        color={counts.pastDue + counts.unpaid > 0 ? 'orange' : 'gray'}
        testId="stat-past-due"
      />
      <StatCard label="In grace" value={formatCount(counts.inGrace)} hint="suspended when it ends" icon={<IconClockHour4 size={18} />} color={counts.inGrace > 0 ? 'yellow' : 'gray'} testId="stat-in-grace" />
      <StatCard
        label="Suspended by billing"
        value={formatCount(counts.suspendedByBilling)}
        hint="reactivated on payment"
        icon={<IconPlayerPause size={18} />}
        color={counts.suspendedByBilling > 0 ? 'red' : 'gray'}
        testId="stat-suspended"
      />
    </SimpleGrid>
  );
}
