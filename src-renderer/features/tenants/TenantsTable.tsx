import { memo } from 'react';
import { Group, Skeleton, Table, Text, Tooltip } from '@mantine/core';
import { IconChevronRight } from '@tabler/icons-react';
import type { TenantSummary } from '../../../src-shared/contract/models';
import { formatDate, formatDateTime, formatRelative } from '../../lib/format';
import { useReferenceStore } from '../../store/reference-store';
import { useTenantDetailStore } from '../../store/tenant-detail-store';
import { PlanBadge, StatusBadge } from './badges';
import { SortableTh } from './SortableTh';
import classes from './TenantsTable.module.css';

const SKELETON_ROWS = 8;

interface TenantsTableProps {
  readonly rows: readonly TenantSummary[];
  /** No answer yet: show the skeleton. */
  readonly initialLoading: boolean;
  /** A newer answer is on its way: dim the rows shown. */
  readonly refreshing: boolean;
}

export function TenantsTable({ rows, initialLoading, refreshing }: TenantsTableProps) {
  const baseDomain = useReferenceStore((state) => state.settings?.baseDomain ?? null);
  const open = useTenantDetailStore((state) => state.open);
  const selectedCode = useTenantDetailStore((state) => state.selectedCode);

  return (
    <Table.ScrollContainer minWidth={820}>
      <Table
        className={classes.table}
        highlightOnHover
        verticalSpacing="sm"
        horizontalSpacing="md"
        data-testid="tenants-table"
        aria-label="Tenants"
      >
        <Table.Thead className={classes.thead}>
          <Table.Tr>
            <SortableTh field="companyName">Company</SortableTh>
            <SortableTh field="subdomain">Subdomain</SortableTh>
            <SortableTh field="plan" width={150}>
              Plan
            </SortableTh>
            <SortableTh field="status" width={150}>
              Status
            </SortableTh>
            <SortableTh field="createdAt" width={150}>
              Created
            </SortableTh>
            <Table.Th w={40} aria-label="Open" />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody className={classes.tbody} aria-busy={initialLoading || refreshing}>
          {initialLoading
            ? Array.from({ length: SKELETON_ROWS }, (_, index) => <SkeletonRow key={index} />)
            : rows.map((tenant) => (
                <TenantRow
                  key={tenant.id}
                  tenant={tenant}
                  baseDomain={baseDomain}
                  selected={tenant.tenantCode === selectedCode}
                  onOpen={open}
                />
              ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

interface TenantRowProps {
  readonly tenant: TenantSummary;
  readonly baseDomain: string | null;
  readonly selected: boolean;
  readonly onOpen: (code: string) => void;
}

// Memoised: paging or a refresh re-renders only the rows whose tenant changed.
const TenantRow = memo(function TenantRow({ tenant, baseDomain, selected, onOpen }: TenantRowProps) {
  return (
    <Table.Tr
      className={classes.row}
      tabIndex={0}
      onClick={() => onOpen(tenant.tenantCode)}
      onKeyDown={(event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          onOpen(tenant.tenantCode);
        }
      }}
      bg={selected ? 'var(--mantine-primary-color-light)' : undefined}
      aria-label={`${tenant.companyName}, ${tenant.tenantCode}, ${tenant.status}`}
      data-testid="tenant-row"
      data-tenant-code={tenant.tenantCode}
    >
      <Table.Td>
        <Text fw={600} size="sm" lh={1.3} data-testid="tenant-company">
          {tenant.companyName}
        </Text>
        <Text size="xs" c="dimmed" ff="monospace" lh={1.3} data-testid="tenant-code">
          {tenant.tenantCode}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" data-testid="tenant-domain">
          {tenant.subdomain}
          {baseDomain && <span className={classes.domainSuffix}>.{baseDomain}</span>}
        </Text>
      </Table.Td>
      <Table.Td>
        <PlanBadge plan={tenant.plan} />
      </Table.Td>
      <Table.Td>
        <StatusBadge status={tenant.status} />
      </Table.Td>
      <Table.Td>
        <Tooltip label={formatDateTime(tenant.createdAt)}>
          <Text size="sm" className="tabular" span>
            {formatDate(tenant.createdAt)}
          </Text>
        </Tooltip>
        <Text size="xs" c="dimmed" lh={1.3}>
          {formatRelative(tenant.createdAt)}
        </Text>
      </Table.Td>
      <Table.Td>
        <IconChevronRight size={16} className={classes.chevron} aria-hidden />
      </Table.Td>
    </Table.Tr>
  );
});

function SkeletonRow() {
  return (
    <Table.Tr data-testid="tenant-skeleton-row">
      <Table.Td>
        <Skeleton h={12} w="70%" mb={6} />
        <Skeleton h={9} w={64} />
      </Table.Td>
      <Table.Td>
        <Skeleton h={12} w="60%" />
      </Table.Td>
      <Table.Td>
        <Skeleton h={18} w={80} radius="sm" />
      </Table.Td>
      <Table.Td>
        <Group>
          <Skeleton h={18} w={76} radius="sm" />
        </Group>
      </Table.Td>
      <Table.Td>
        <Skeleton h={12} w={90} mb={6} />
        <Skeleton h={9} w={60} />
      </Table.Td>
      <Table.Td />
    </Table.Tr>
  );
}
