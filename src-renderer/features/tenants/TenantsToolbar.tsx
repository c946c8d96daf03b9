import { useEffect, useRef, useState } from 'react';
import { ActionIcon, Button, CloseButton, Group, Loader, TextInput, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconRefresh, IconSearch } from '@tabler/icons-react';
import { TENANT_STATUSES, type TenantStatus } from '../../../src-shared/domain/status';
import { useReferenceStore } from '../../store/reference-store';
import { isFiltered, useTenantsStore } from '../../store/tenants-store';
import { planColor, STATUS_COLORS, STATUS_LABELS } from './badges';
import { FilterMenu, type FilterOption } from './FilterMenu';
import { ONBOARDING_FILTER_OPTIONS } from './onboarding-labels';

const STATUS_OPTIONS: readonly FilterOption<TenantStatus>[] = TENANT_STATUSES.map((status) => ({
  value: status,
  label: STATUS_LABELS[status],
  color: STATUS_COLORS[status],
}));

export function TenantsToolbar() {
  const query = useTenantsStore((state) => state.query);
  const loading = useTenantsStore((state) => state.status === 'loading');
  const { setSearch, setStatusFilter, setPlanFilter, setOnboardingFilter, clearFilters, load } = useTenantsStore.getState();
  const plans = useReferenceStore((state) => state.plans);

  const [text, setText] = useState(query.search);
  const [debounced] = useDebouncedValue(text, 300);
  // What this box last sent: any other change of the store's search came from elsewhere.
  const sent = useRef(query.search);
  const send = (search: string) => {
    sent.current = search;
    setSearch(search);
  };
  useEffect(() => send(debounced), [debounced]);
  // "Clear filters", an opened address, Back or Forward changed the search: mirror it in the box.
  useEffect(() => {
    if (query.search.trim() !== sent.current.trim()) {
      sent.current = query.search;
      setText(query.search);
    }
  }, [query.search]);

  const planOptions: FilterOption<string>[] = plans.map((plan) => ({
    value: plan.code,
    label: plan.name,
    color: planColor(plan.code),
  }));

  return (
    <Group gap="sm" p="md" wrap="wrap">
      <TextInput
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') send(text);
        }}
        placeholder="Search company, subdomain or code"
        aria-label="Search tenants"
        data-testid="tenant-search"
        data-page-search
        leftSection={<IconSearch size={16} stroke={1.6} />}
        rightSection={
          text ? <CloseButton size="sm" aria-label="Clear search" onClick={() => setText('')} /> : null
        }
        style={{ flex: '1 1 280px', maxWidth: 420 }}
        maxLength={200}
      />
      <FilterMenu label="Status" options={STATUS_OPTIONS} value={query.status} onChange={setStatusFilter} testId="status-filter" />
      <FilterMenu label="Plan" options={planOptions} value={query.plan} onChange={setPlanFilter} testId="plan-filter" />
      <FilterMenu label="Onboarding" options={ONBOARDING_FILTER_OPTIONS} value={query.onboarding} onChange={setOnboardingFilter} testId="onboarding-filter" />
      {isFiltered(query) && (
        <Button variant="subtle" color="gray" onClick={clearFilters} data-testid="clear-filters">
          Clear filters
        </Button>
      )}
      <Group gap="xs" ml="auto">
        {loading && <Loader size="xs" type="dots" aria-label="Loading tenants" />}
        <Tooltip label="Reload">
          <ActionIcon variant="default" size="lg" aria-label="Reload tenants" onClick={() => void load()}>
            <IconRefresh size={16} stroke={1.6} />
          </ActionIcon>
        </Tooltip>
      </Group>
    </Group>
  );
}
