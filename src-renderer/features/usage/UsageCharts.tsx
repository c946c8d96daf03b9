import { AreaChart, BarChart, DonutChart } from '@mantine/charts';
import { Group, Stack, Table, Text } from '@mantine/core';
import type { UsageFleet } from '../../../src-shared/contract/usage-models';
import { formatBytes, formatCount, formatMoney } from '../../lib/format';
import { planColor } from '../tenants/badges';

const shortDate = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** Chart dates are UTC calendar days: format them as such, whatever the local time zone. */
export function formatDay(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? isoDate : shortDate.format(new Date(date.getTime() + date.getTimezoneOffset() * 60_000));
}

const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

export function TrendsChart({ fleet }: { fleet: UsageFleet }) {
  const data = fleet.trends.map((point) => ({ ...point, day: formatDay(point.date) }));
  const sparse = data.length < 2;
  return (
    <Stack gap="lg">
      {sparse && (
        <Text size="sm" c="dimmed" data-testid="trends-sparse">
          {data.length === 0 ? 'No day collected in this period yet.' : 'One day collected so far: each daily run adds a point.'}
        </Text>
      )}
      <AreaChart
        h={220}
        data={data}
        dataKey="day"
        series={[{ name: 'transactions', label: 'Transactions (day)', color: 'brand.6' }]}
        curveType="monotone"
        withDots={data.length <= 31}
        gridAxis="y"
        valueFormatter={(value) => formatCount(value)}
        yAxisProps={{ tickFormatter: (value: number) => compact.format(value), width: 56 }}
        withLegend
        data-testid="trend-transactions"
      />
      <AreaChart
        h={180}
        data={data}
        dataKey="day"
        series={[{ name: 'databaseBytes', label: 'Storage', color: 'teal.6' }]}
        curveType="monotone"
        withDots={data.length <= 31}
        gridAxis="y"
        valueFormatter={(value) => formatBytes(value)}
        yAxisProps={{ tickFormatter: (value: number) => formatBytes(value), width: 70 }}
        withLegend
        data-testid="trend-storage"
      />
    </Stack>
  );
}

export function StorageChart({ fleet }: { fleet: UsageFleet }) {
  const data = fleet.storage.top.map((entry) => ({ tenant: entry.companyName, code: entry.tenantCode, databaseBytes: entry.databaseBytes }));
  return (
    <Stack gap={4}>
      <BarChart
        h={Math.max(160, data.length * 30 + 40)}
        data={data}
        dataKey="tenant"
        orientation="vertical"
        series={[{ name: 'databaseBytes', label: 'Database size', color: 'teal.6' }]}
        valueFormatter={(value) => formatBytes(value)}
        xAxisProps={{ tickFormatter: (value: number) => formatBytes(value) }}
        yAxisProps={{ width: 140 }}
        gridAxis="x"
        barProps={{ radius: 3 }}
        data-testid="storage-chart"
      />
      {fleet.storage.rest.tenants > 0 && (
        <Text size="xs" c="dimmed">
          Plus {formatCount(fleet.storage.rest.tenants)} more tenants: {formatBytes(fleet.storage.rest.databaseBytes)}
        </Text>
      )}
    </Stack>
  );
}

export function PlanDistribution({ fleet }: { fleet: UsageFleet }) {
  const data = fleet.plans.filter((entry) => entry.tenants > 0).map((entry) => ({ name: entry.name, value: entry.tenants, color: `${planColor(entry.plan)}.6` }));
  const total = data.reduce((sum, entry) => sum + entry.value, 0);
  return (
    <Group justify="center" gap="xl" wrap="wrap" data-testid="plan-distribution">
      <DonutChart data={data} size={170} thickness={26} withTooltip chartLabel={`${formatCount(total)} tenants`} paddingAngle={2} valueFormatter={(value) => formatCount(value)} />
      <Stack gap={6}>
        {fleet.plans.map((entry) => (
          <Group key={entry.plan} gap="xs" wrap="nowrap">
            <span style={{ width: 10, height: 10, borderRadius: 3, background: `var(--mantine-color-${planColor(entry.plan)}-6)` }} />
            <Text size="sm" w={110}>
              {entry.name}
            </Text>
            <Text size="sm" fw={600} className="tabular" data-testid={`plan-count-${entry.plan}`}>
              {formatCount(entry.tenants)}
            </Text>
          </Group>
        ))}
      </Stack>
    </Group>
  );
}

export function MrrByPlan({ fleet }: { fleet: UsageFleet }) {
  const { byPlan, totals, customTenants } = fleet.mrr;
  return (
    <Stack gap="xs" data-testid="mrr-by-plan">
      <Table verticalSpacing={6} horizontalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Plan</Table.Th>
            <Table.Th ta="right">Paying tenants</Table.Th>
            <Table.Th ta="right">MRR</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {byPlan.map((entry) => (
            <Table.Tr key={`${entry.plan}-${entry.currency}`}>
              <Table.Td>{entry.name}</Table.Td>
              <Table.Td ta="right" className="tabular">
                {formatCount(entry.tenants)}
              </Table.Td>
              <Table.Td ta="right" className="tabular" fw={600} data-testid={`mrr-${entry.plan}`}>
                {formatMoney(entry.monthlyCents, entry.currency)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
        <Table.Tfoot>
          {totals.map((total) => (
            <Table.Tr key={total.currency}>
              <Table.Th>Total ({total.currency})</Table.Th>
              <Table.Th />
              <Table.Th ta="right" className="tabular" data-testid={`mrr-total-${total.currency}`}>
                {formatMoney(total.monthlyCents, total.currency)}
              </Table.Th>
            </Table.Tr>
          ))}
        </Table.Tfoot>
      </Table>
      {customTenants > 0 && (
        <Text size="xs" c="dimmed">
          {formatCount(customTenants)} active {customTenants === 1 ? 'tenant is' : 'tenants are'} on custom pricing and not counted.
        </Text>
      )}
      <Text size="xs" c="dimmed">
        Active tenants at their own plan version's price; annual plans count a twelfth per month.
      </Text>
    </Stack>
  );
}
