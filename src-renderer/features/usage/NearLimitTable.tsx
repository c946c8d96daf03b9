import { useMemo, useState } from 'react';
import { Badge, Group, Progress, Table, Text, UnstyledButton } from '@mantine/core';
import { IconChevronDown, IconChevronUp } from '@tabler/icons-react';
import type { NearLimitTenant, UsageAgainstLimit } from '../../../src-shared/contract/usage-models';
import { formatCount, formatLimit, formatPercent } from '../../lib/format';
import { useTenantDetailStore } from '../../store/tenant-detail-store';
import { PlanBadge, StatusBadge } from '../tenants/badges';
import { LEVEL_COLORS, usageLevel, USAGE_RESOURCE_LABELS } from './usage-levels';

type Direction = 'asc' | 'desc';

/** Tenants at or above the warning threshold, worst first by default; a row opens the tenant drawer. */
export function NearLimitTable({ tenants, warningPercent }: { tenants: readonly NearLimitTenant[]; warningPercent: number }) {
  const [direction, setDirection] = useState<Direction>('desc');
  const open = useTenantDetailStore((state) => state.open);
  const sorted = useMemo(
    () =>
      [...tenants].sort((a, b) => {
        const byPercent = direction === 'desc' ? b.maxPercent - a.maxPercent : a.maxPercent - b.maxPercent;
        return byPercent !== 0 ? byPercent : a.companyName.localeCompare(b.companyName);
      }),
    [tenants, direction],
  );
  const Icon = direction === 'desc' ? IconChevronDown : IconChevronUp;

  return (
    <Table.ScrollContainer minWidth={760}>
      <Table highlightOnHover verticalSpacing="sm" horizontalSpacing="md" data-testid="near-limit-table" aria-label="Tenants near or over their limits">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>
              <Text fw={600} size="xs" tt="uppercase" c="dimmed">
                Tenant
              </Text>
            </Table.Th>
            <Table.Th w={130}>
              <Text fw={600} size="xs" tt="uppercase" c="dimmed">
                Plan
              </Text>
            </Table.Th>
            <Table.Th>
              <Text fw={600} size="xs" tt="uppercase" c="dimmed">
                Against limits
              </Text>
            </Table.Th>
            <Table.Th w={190} aria-sort={direction === 'desc' ? 'descending' : 'ascending'}>
              <UnstyledButton onClick={() => setDirection((value) => (value === 'desc' ? 'asc' : 'desc'))} data-testid="sort-percent" aria-label="Sort by % of limit">
                <Group gap={4} wrap="nowrap">
                  <Text fw={600} size="xs" tt="uppercase" c="dimmed">
                    % of limit
                  </Text>
                  <Icon size={14} stroke={1.8} />
                </Group>
              </UnstyledButton>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sorted.map((tenant) => {
            const level = usageLevel(tenant.maxPercent, warningPercent);
            return (
              <Table.Tr
                key={tenant.tenantCode}
                onClick={() => open(tenant.tenantCode)}
                style={{ cursor: 'pointer' }}
                data-testid="near-limit-row"
                data-tenant={tenant.tenantCode}
                data-level={level}
              >
                <Table.Td>
                  <Text fw={600} size="sm" data-testid="near-limit-company">
                    {tenant.companyName}
                  </Text>
                  <Group gap={6}>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {tenant.tenantCode}
                    </Text>
                    {tenant.status !== 'active' && <StatusBadge status={tenant.status} size="xs" />}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <PlanBadge plan={tenant.plan} />
                </Table.Td>
                <Table.Td>
                  <Group gap={6}>
                    {tenant.resources
                      .filter((resource) => resource.limit !== null)
                      .map((resource) => (
                        <ResourceBadge key={resource.resource} resource={resource} warningPercent={warningPercent} />
                      ))}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Progress value={Math.min(100, tenant.maxPercent)} color={LEVEL_COLORS[level]} w={110} size="md" radius="xl" aria-label={`${formatPercent(tenant.maxPercent)} of limit`} />
                    <Text size="sm" fw={700} c={level === 'over' ? 'red' : undefined} className="tabular" data-testid="near-limit-percent">
                      {formatPercent(tenant.maxPercent)}
                    </Text>
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function ResourceBadge({ resource, warningPercent }: { resource: UsageAgainstLimit; warningPercent: number }) {
  const level = usageLevel(resource.percent, warningPercent);
  return (
    <Badge variant={level === 'ok' ? 'default' : 'light'} color={level === 'ok' ? undefined : LEVEL_COLORS[level]} tt="none" fw={500} size="md" data-testid={`near-limit-${resource.resource}`}>
      {USAGE_RESOURCE_LABELS[resource.resource]}: {resource.current === null ? '—' : formatCount(resource.current)} / {formatLimit(resource.limit)}
    </Badge>
  );
}
