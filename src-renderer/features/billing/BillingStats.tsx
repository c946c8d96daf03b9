import type { ReactNode } from 'react';
import { Group, Paper, SimpleGrid, Skeleton, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconAlertTriangle, IconClockHour4, IconCoin, IconHourglass, IconPlayerPause, IconUserCheck } from '@tabler/icons-react';
import type { BillingOverview } from '../../../src-shared/contract/billing-models';
import { formatCount, formatMoney } from '../../lib/format';

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
      <Stat
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
      <Stat label="Trialing" value={formatCount(counts.trialing)} hint={`${formatCount(overview.trialsEndingThisWeek.length)} ending this week`} icon={<IconHourglass size={18} />} color="blue" testId="stat-trialing" />
      <Stat label="Active" value={formatCount(counts.active)} hint="paying subscriptions" icon={<IconUserCheck size={18} />} color="teal" testId="stat-active" />
      <Stat
        label="Past due"
        value={formatCount(counts.pastDue + counts.unpaid)}
        hint={counts.unpaid > 0 ? `${formatCount(counts.unpaid)} unpaid` : 'behind on payment'}
        icon={<IconAlertTriangle size={18} />}
        color={counts.pastDue + counts.unpaid > 0 ? 'orange' : 'gray'}
        testId="stat-past-due"
      />
      <Stat label="In grace" value={formatCount(counts.inGrace)} hint="suspended when it ends" icon={<IconClockHour4 size={18} />} color={counts.inGrace > 0 ? 'yellow' : 'gray'} testId="stat-in-grace" />
      <Stat
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

function Stat({ label, value, hint, icon, color = 'brand', testId }: { label: string; value: ReactNode; hint?: string; icon: ReactNode; color?: string; testId: string }) {
  return (
    <Paper withBorder p="md" radius="lg" data-testid={testId}>
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
        <Text size="xs" c="dimmed" fw={600} tt="uppercase" style={{ letterSpacing: '0.04em' }}>
          {label}
        </Text>
        <ThemeIcon variant="light" color={color} size="md" radius="md">
          {icon}
        </ThemeIcon>
      </Group>
      <Text component="div" fw={700} fz={24} className="tabular" mt={4} data-testid={`${testId}-value`}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Paper>
  );
}
