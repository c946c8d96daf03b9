import { SimpleGrid, Skeleton } from '@mantine/core';
import { IconAlertTriangle, IconBuilding, IconDatabase, IconReceipt, IconUsers, IconBuildingSkyscraper } from '@tabler/icons-react';
import type { UsageFleet } from '../../../src-shared/contract/usage-models';
import { formatBytes, formatCount } from '../../lib/format';
import { StatCard } from '../../components/StatCard';

/** The fleet at a glance: one card per total, as of the latest collected day. */
export function FleetStats({ fleet }: { fleet: UsageFleet | null }) {
  if (!fleet) {
    return (
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="md">
        {Array.from({ length: 6 }, (_, index) => (
          <Skeleton key={index} h={92} radius="lg" />
        ))}
      </SimpleGrid>
    );
  }
  const { totals, nearLimit } = fleet;
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="md" data-testid="fleet-stats">
      <StatCard label="Tenants" value={formatCount(totals.tenants)} hint={`${formatCount(totals.activeTenants)} active`} icon={<IconBuildingSkyscraper size={18} />} testId="stat-tenants" />
      <StatCard label="Companies" value={formatCount(totals.companies)} icon={<IconBuilding size={18} />} testId="stat-companies" />
      <StatCard label="Users" value={formatCount(totals.users)} icon={<IconUsers size={18} />} testId="stat-users" />
      <StatCard label="Transactions this month" value={formatCount(totals.transactionsMonth)} icon={<IconReceipt size={18} />} testId="stat-transactions" />
      <StatCard label="Storage" value={formatBytes(totals.databaseBytes)} icon={<IconDatabase size={18} />} testId="stat-storage" />
      <StatCard
        label="Near or over limits"
        value={formatCount(nearLimit.total)}
        hint={nearLimit.over > 0 ? `${formatCount(nearLimit.over)} at or over 100%` : `warning at ${fleet.warningPercent}%`}
        icon={<IconAlertTriangle size={18} />}
        color={nearLimit.over > 0 ? 'red' : nearLimit.total > 0 ? 'yellow' : 'gray'}
        testId="stat-near-limit"
      />
    </SimpleGrid>
  );
}
