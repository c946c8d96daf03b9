import { Center, Group, Table, Text, UnstyledButton } from '@mantine/core';
import { IconChevronDown, IconChevronUp, IconSelector } from '@tabler/icons-react';
import type { TenantSortField } from '../../../src-shared/contract/models';
import { useTenantsStore } from '../../store/tenants-store';
import classes from './TenantsTable.module.css';

interface SortableThProps {
  readonly field: TenantSortField;
  readonly children: string;
  readonly width?: number | string;
}

/** A column header that sorts the list in main; aria-sort tells assistive tech the order. */
export function SortableTh({ field, children, width }: SortableThProps) {
  const sort = useTenantsStore((state) => state.query.sort);
  const direction = useTenantsStore((state) => state.query.direction);
  const sortBy = useTenantsStore((state) => state.sortBy);
  const active = sort === field;
  const Icon = active ? (direction === 'asc' ? IconChevronUp : IconChevronDown) : IconSelector;

  return (
    <Table.Th
      className={classes.th}
      w={width}
      aria-sort={active ? (direction === 'asc' ? 'ascending' : 'descending') : 'none'}
    >
      <UnstyledButton
        onClick={() => sortBy(field)}
        className={classes.sortButton}
        data-active={active || undefined}
        data-testid={`sort-${field}`}
        aria-label={`Sort by ${children.toLowerCase()}`}
      >
        <Group justify="space-between" gap={4} wrap="nowrap">
          <Text fw={600} size="xs" tt="uppercase" className={classes.thLabel}>
            {children}
          </Text>
          <Center className={classes.sortIcon}>
            <Icon size={14} stroke={1.8} />
          </Center>
        </Group>
      </UnstyledButton>
    </Table.Th>
  );
}
