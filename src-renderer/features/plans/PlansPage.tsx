import { useCallback, useEffect, useState } from 'react';
import type { PriceChangeSchedule } from '../../../src-shared/contract/price-change-models';
import { api } from '../../api/client';
import { Box, Grid, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import { LoadErrorAlert } from '../../components/LoadErrorAlert';
import { usePlansStore } from '../../store/plans-store';
import { TenantDrawer } from '../tenants/detail/TenantDrawer';
import { FleetMigrationCard } from './FleetMigrationCard';
import { PlanCard } from './PlanCard';
import { PriceChangesCard } from './PriceChangesCard';

/** The plans the console sells, their versions (grandfathered tenants) and the fleet's tenant schema. */
export function PlansPage() {
  const { families, status, error } = usePlansStore();
  const [schedules, setSchedules] = useState<readonly PriceChangeSchedule[]>([]);
  const loadSchedules = useCallback(() => {
    api()
      .call('priceChanges:list', {})
      .then(setSchedules)
      .catch(() => setSchedules([]));
  }, []);
  useEffect(loadSchedules, [loadSchedules]);

  // Later reloads (an edit, a move, back online) come from the invalidation table.
  useEffect(() => {
    void usePlansStore.getState().load();
  }, []);

  return (
    <Stack gap="lg" maw={1280} mx="auto">
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="md">
        <Box maw={500}>
          <Title order={2} data-testid="page-title">
            Plans
          </Title>
          <Text c="dimmed" size="sm" mt={4}>
            Editing a plan creates a new version for new tenants. Existing tenants keep the version they signed up on until you move them.
          </Text>
        </Box>
        <Box>
          <FleetMigrationCard />
        </Box>
      </Group>

      {status === 'error' && <LoadErrorAlert title="Plans could not be loaded" message={error} onRetry={() => void usePlansStore.getState().load()} data-testid="plans-error" />}

      <Grid gap="lg">
        {families.length === 0 && status !== 'error'
          ? [0, 1, 2, 3].map((index) => (
              <Grid.Col key={index} span={{ base: 12, lg: 6 }}>
                <Skeleton h={360} radius="lg" />
              </Grid.Col>
            ))
          : families.map((family) => (
              <Grid.Col key={family.code} span={{ base: 12, lg: 6 }}>
                <PlanCard family={family} onPriceChangeScheduled={loadSchedules} hasOpenPriceChange={schedules.some((s) => s.planCode === family.code && s.state === 'scheduled')} />
              </Grid.Col>
            ))}
      </Grid>
      <PriceChangesCard schedules={schedules} onChanged={loadSchedules} />
      <TenantDrawer />
    </Stack>
  );
}
