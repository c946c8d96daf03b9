import { LineChart } from '@mantine/charts';
import { Text } from '@mantine/core';
import type { TenantUsage } from '../../../../src-shared/contract/usage-models';
import { formatCount } from '../../../lib/format';
import { formatDay } from '../../usage/UsageCharts';

/** The collected daily figures of the last 90 days. */
export function UsageHistoryChart({ usage }: { usage: TenantUsage }) {
  if (usage.history.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="usage-history-empty">
        No usage has been collected for this tenant yet. Collect it from the Usage page; the daily run adds a point a day.
      </Text>
    );
  }
  const data = [...usage.history]
    .sort((a, b) => a.usageDate.localeCompare(b.usageDate))
    .map((day) => ({
      day: formatDay(day.usageDate),
      transactions: day.transactionsMonth ?? 0,
      users: day.usersTotal ?? 0,
      companies: day.companies ?? 0,
    }));
  return (
    <LineChart
      h={200}
      data={data}
      dataKey="day"
      series={[
        { name: 'transactions', label: 'Transactions this month', color: 'brand.6', yAxisId: 'left' },
        { name: 'users', label: 'Users', color: 'teal.6', yAxisId: 'right' },
        { name: 'companies', label: 'Companies', color: 'orange.6', yAxisId: 'right' },
      ]}
      withRightYAxis
      curveType="linear"
      withDots={data.length < 15}
      gridAxis="y"
      withLegend
      valueFormatter={(value) => formatCount(value)}
      data-testid="usage-history-chart"
    />
  );
}
