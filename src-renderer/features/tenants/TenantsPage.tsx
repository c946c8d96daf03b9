import { useEffect, useState } from 'react';
import { Alert, Box, Button, Divider, EmptyState, Group, Pagination, Paper, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconBuildingSkyscraper, IconFilterOff, IconPlus, IconSearch } from '@tabler/icons-react';
import { formatCount } from '../../lib/format';
import { isFiltered, PAGE_SIZE, pageCount, useTenantsStore, type TenantQuery } from '../../store/tenants-store';
import { useReferenceStore } from '../../store/reference-store';
import { CreateTenantModal } from './create/CreateTenantModal';
import { TenantDrawer } from './detail/TenantDrawer';
import { TenantsTable } from './TenantsTable';
import { TenantsToolbar } from './TenantsToolbar';
import { RecoverOperationsButton } from './RecoverOperationsButton';
import { useActionBlock } from '../../store/action-block';
import { useConnectivityStore } from '../../store/connectivity-store';
import { BlockedAction } from '../offline/BlockedAction';
import { AsOfNote } from '../offline/AsOfNote';

export function TenantsPage() {
  const [creating, setCreating] = useState(false);
  const referenceError = useReferenceStore((state) => state.error);
  const blocked = useActionBlock('tenants:create');
  // Offline the plans and settings come from the cache; their load error is no news then.
  const online = useConnectivityStore((state) => state.status?.online !== false);
  const snapshot = useTenantsStore((state) => state.snapshot);

  useEffect(() => {
    void useTenantsStore.getState().load();
  }, []);

  return (
    <Stack gap="lg" maw={1280} mx="auto">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Box>
          <Group gap="sm" align="center">
            <Title order={2} data-testid="page-title">
              Tenants
            </Title>
            <AsOfNote snapshot={snapshot} testId="tenants-as-of" />
          </Group>
          <Text c="dimmed" size="sm" mt={4}>
            Every client runs in its own PostgreSQL database. Create, find and manage them here.
          </Text>
        </Box>
        <Group gap="sm">
          <RecoverOperationsButton />
          <BlockedAction reason={blocked} testId="new-tenant-blocked">
            <Button leftSection={<IconPlus size={18} stroke={1.8} />} onClick={() => setCreating(true)} disabled={blocked !== null} data-testid="new-tenant">
              New tenant
            </Button>
          </BlockedAction>
        </Group>
      </Group>

      {referenceError && online && (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="Plans and settings could not be loaded">
          {referenceError}{' '}
          <Button variant="subtle" size="compact-sm" onClick={() => void useReferenceStore.getState().load()}>
            Try again
          </Button>
        </Alert>
      )}

      <Paper withBorder shadow="xs" style={{ overflow: 'hidden' }}>
        <TenantsToolbar />
        <Divider />
        <TenantsBody onCreate={() => setCreating(true)} />
      </Paper>

      <CreateTenantModal opened={creating} onClose={() => setCreating(false)} />
      <TenantDrawer />
    </Stack>
  );
}

function TenantsBody({ onCreate }: { onCreate: () => void }) {
  const { rows, total, status, error, shownQuery, query } = useTenantsStore();
  const { setPage, clearFilters, load } = useTenantsStore.getState();

  if (status === 'error' && shownQuery === null) {
    return (
      <EmptyState
        py={64}
        variant="light"
        color="red"
        icon={<IconAlertTriangle size={28} />}
        title="Tenants could not be loaded"
        description={error}
        data-testid="tenants-error"
      >
        <EmptyState.Actions>
          <Button variant="default" onClick={() => void load()}>
            Try again
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    );
  }

  const initialLoading = shownQuery === null;
  const refreshing = status === 'loading' && !initialLoading;

  if (!initialLoading && total === 0) {
    return isFiltered(shownQuery) ? (
      <EmptyState
        py={64}
        variant="light"
        icon={<IconSearch size={28} />}
        title="No tenants match"
        description={noMatchDescription(shownQuery)}
        data-testid="tenants-no-matches"
      >
        <EmptyState.Actions>
          <Button variant="default" leftSection={<IconFilterOff size={16} />} onClick={clearFilters}>
            Clear filters
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    ) : (
      <EmptyState
        py={72}
        variant="light"
        icon={<IconBuildingSkyscraper size={30} />}
        title="No tenants yet — create the first one"
        description="A tenant is one client of your ERP. Creating it provisions its own PostgreSQL database and login in seconds."
        data-testid="tenants-empty"
      >
        <EmptyState.Actions>
          <Button leftSection={<IconPlus size={18} />} onClick={onCreate} data-testid="empty-create-tenant">
            Create a tenant
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    );
  }

  const first = (query.page - 1) * PAGE_SIZE + 1;
  const last = Math.min(total, query.page * PAGE_SIZE);

  return (
    <>
      {status === 'error' && (
        <Alert color="red" variant="light" radius={0} icon={<IconAlertTriangle size={18} />} data-testid="tenants-error">
          {error}{' '}
          <Button variant="subtle" size="compact-sm" onClick={() => void load()}>
            Try again
          </Button>
        </Alert>
      )}
      <TenantsTable rows={rows} initialLoading={initialLoading} refreshing={refreshing} />
      <Divider />
      <Group justify="space-between" px="md" py="sm" wrap="wrap">
        <Text size="sm" c="dimmed" data-testid="tenants-total" className="tabular">
          {initialLoading
            ? 'Loading tenants…'
            : `Showing ${formatCount(first)}–${formatCount(last)} of ${formatCount(total)} ${total === 1 ? 'tenant' : 'tenants'}`}
        </Text>
        {total > PAGE_SIZE && (
          <Pagination
            total={pageCount(total)}
            value={query.page}
            onChange={setPage}
            size="sm"
            withEdges
            getControlProps={(control) => ({ 'aria-label': `${control[0]!.toUpperCase()}${control.slice(1)} page` })}
            getItemProps={(page) => ({ 'aria-label': `Page ${page}`, 'data-testid': `page-${page}` })}
            data-testid="tenants-pagination"
          />
        )}
      </Group>
    </>
  );
}

function noMatchDescription(query: TenantQuery): string {
  const search = query.search.trim();
  const filters = query.status.length + query.plan.length > 0;
  if (search && !filters) return `No tenant's company, subdomain or code matches “${search}”.`;
  if (!search) return 'No tenant has the statuses and plans selected.';
  return `No tenant with the statuses and plans selected matches “${search}”.`;
}
