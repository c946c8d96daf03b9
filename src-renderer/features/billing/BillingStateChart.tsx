import { DonutChart } from '@mantine/charts';
import { Group, Stack, Text } from '@mantine/core';
import type { BillingOverview } from '../../../src-shared/contract/billing-models';
import { formatCount } from '../../lib/format';

/** Billed tenants by state: how much of the fleet pays, trials, or is behind. */
export function BillingStateChart({ overview }: { overview: BillingOverview }) {
  const { counts } = overview;
  const data = [
    { name: 'Active', value: counts.active, color: 'teal.6' },
    { name: 'Trialing', value: counts.trialing, color: 'blue.5' },
    { name: 'Past due', value: counts.pastDue, color: 'orange.5' },
    { name: 'Unpaid', value: counts.unpaid, color: 'red.6' },
  ].filter((slice) => slice.value > 0);
  const total = data.reduce((sum, slice) => sum + slice.value, 0);
  if (total === 0) {
    return (
      <Text size="sm" c="dimmed" py="md" ta="center" data-testid="state-chart-empty">
        No tenant is billed yet: trials and paid plans show here.
      </Text>
    );
  }
  return (
    <Group gap="lg" wrap="nowrap" justify="center" data-testid="state-chart">
      <DonutChart data={data} size={150} thickness={22} withTooltip chartLabel={`${formatCount(total)} billed`} paddingAngle={2} valueFormatter={(value) => formatCount(value)} />
      <Stack gap={6}>
        {data.map((slice) => (
          <Group key={slice.name} gap={8} wrap="nowrap">
            <span style={{ width: 10, height: 10, borderRadius: 3, background: `var(--mantine-color-${slice.color.replace('.', '-')})`, display: 'inline-block' }} />
            <Text size="sm">{slice.name}</Text>
            <Text size="sm" fw={600} className="tabular">
              {formatCount(slice.value)}
            </Text>
          </Group>
        ))}
      </Stack>
    </Group>
  );
}
