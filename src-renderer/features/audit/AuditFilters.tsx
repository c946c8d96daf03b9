import { useEffect, useState } from 'react';
import { Button, Group, Select, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { channels, CHANNEL_NAMES } from '../../../src-shared/contract/channels';
import { ERROR_CODES } from '../../../src-shared/contract/errors';
import classes from './AuditList.module.css';
import { EMPTY_AUDIT_FILTERS, useAuditStore, type AuditFilterValues } from '../../store/audit-store';

// Audited actions are the mutating channels (plus work recorded outside a channel, typed freely).
const ACTION_OPTIONS = CHANNEL_NAMES.filter((name) => channels[name].mutates).map((name) => ({ value: name, label: name }));
const OUTCOME_OPTIONS = [
  { value: 'ok', label: 'OK' },
  { value: 'error', label: 'Any failure' },
  ...ERROR_CODES.map((code) => ({ value: code, label: code })),
];

/** A text filter applied after the operator pauses typing. */
function useDebouncedFilter(key: 'tenant' | 'operator' | 'search') {
  const value = useAuditStore((state) => state.filters[key]);
  const [text, setText] = useState(value);
  const [debounced] = useDebouncedValue(text, 300);
  useEffect(() => {
    if (debounced !== useAuditStore.getState().filters[key]) useAuditStore.getState().setFilters({ [key]: debounced });
  }, [debounced, key]);
  useEffect(() => setText(value), [value]);
  return [text, setText] as const;
}

export function AuditFilters() {
  const filters = useAuditStore((state) => state.filters);
  const { setFilters, clearFilters } = useAuditStore.getState();
  const [tenant, setTenant] = useDebouncedFilter('tenant');
  const [operator, setOperator] = useDebouncedFilter('operator');
  const [search, setSearch] = useDebouncedFilter('search');
  const filtered = (Object.keys(EMPTY_AUDIT_FILTERS) as (keyof AuditFilterValues)[]).some((key) => filters[key] !== '');

  return (
    <Group gap="sm" p="md" wrap="wrap" align="flex-end" data-testid="audit-filters">
      <TextInput
        label="Search details"
        placeholder="Text in the input summary"
        leftSection={<IconSearch size={16} stroke={1.6} />}
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
        maxLength={200}
        style={{ flex: '1 1 220px', maxWidth: 320 }}
        data-testid="audit-search"
        data-page-search
      />
      <TextInput label="Tenant" placeholder="ACME001" value={tenant} onChange={(event) => setTenant(event.currentTarget.value)} maxLength={64} w={130} data-testid="audit-tenant" />
      <TextInput label="Operator" placeholder="alice" value={operator} onChange={(event) => setOperator(event.currentTarget.value)} maxLength={200} w={130} data-testid="audit-operator" />
      <Select
        label="Action"
        placeholder="Any"
        data={ACTION_OPTIONS}
        value={filters.action || null}
        onChange={(value) => setFilters({ action: value ?? '' })}
        clearable
        searchable
        w={190}
        comboboxProps={{ withinPortal: true }}
        data-testid="audit-action"
      />
      <Select
        label="Outcome"
        placeholder="Any"
        data={OUTCOME_OPTIONS}
        value={filters.outcome || null}
        onChange={(value) => setFilters({ outcome: value ?? '' })}
        clearable
        w={170}
        data-testid="audit-outcome"
      />
      <TextInput label="From" type="datetime-local" value={filters.since} onChange={(event) => setFilters({ since: event.currentTarget.value })} w={210} className={classes.dateInput} data-testid="audit-since" />
      <TextInput label="Until" type="datetime-local" value={filters.until} onChange={(event) => setFilters({ until: event.currentTarget.value })} w={210} className={classes.dateInput} data-testid="audit-until" />
      {filtered && (
        <Button variant="subtle" color="gray" onClick={clearFilters} data-testid="audit-clear-filters">
          Clear filters
        </Button>
      )}
    </Group>
  );
}
