import { useEffect } from 'react';
import { Box, Button, EmptyState, Grid, Group, Paper, SegmentedControl, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconChartBar, IconCircleCheck, IconDownload, IconRefresh } from '@tabler/icons-react';
import { LoadErrorAlert } from '../../components/LoadErrorAlert';
import { Panel } from '../../components/Panel';
import { formatDate } from '../../lib/format';
import { useActionBlock } from '../../store/action-block';
import { useUsageStore, type TrendDays } from '../../store/usage-store';
import { AsOfNote } from '../offline/AsOfNote';
import { BlockedAction } from '../offline/BlockedAction';
import { TenantDrawer } from '../tenants/detail/TenantDrawer';
import { SignupFunnelPanel } from '../onboarding/SignupFunnelPanel';
import { CollectProgressBar, LastRunCard } from './LastRunCard';
import { FleetStats } from './FleetStats';
import { NearLimitTable } from './NearLimitTable';
import { MrrByPlan, PlanDistribution, StorageChart, TrendsChart } from './UsageCharts';

export function UsagePage() {
  const { fleet, status, error, days, collecting, exporting } = useUsageStore();
  const { load, setDays, collect, exportCsv } = useUsageStore.getState();
  // Offline or reviewing a snapshot: the dashboard is browsable, collecting needs the database.
  const blocked = useActionBlock('usage:collect');

  useEffect(() => {
    void useUsageStore.getState().load();
  }, []);

  const collected = fleet?.asOf !== null && fleet?.asOf !== undefined;

  return (
    <Stack gap="lg" maw={1280} mx="auto">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Box>
          <Group gap="sm" align="center">
            <Title order={2} data-testid="page-title">
              Usage
            </Title>
            <AsOfNote snapshot={fleet?.snapshot} testId="usage-as-of" />
          </Group>
          <Text c="dimmed" size="sm" mt={4}>
            {collected ? `Figures collected from every tenant database, as of ${formatDate(fleet.asOf)}.` : 'What every tenant uses against its plan, collected from its own database.'}
          </Text>
        </Box>
        <Group gap="sm">
          <Button variant="default" leftSection={<IconDownload size={16} />} onClick={() => void exportCsv()} loading={exporting} disabled={!collected} data-testid="usage-export">
            Export CSV
          </Button>
          <BlockedAction reason={blocked} testId="usage-collect-blocked">
            <Button leftSection={<IconRefresh size={16} />} onClick={() => void collect()} loading={collecting !== null} disabled={blocked !== null} data-testid="usage-collect">
              Collect usage now
            </Button>
          </BlockedAction>
        </Group>
      </Group>

      {collecting && (
        <Paper withBorder p="md" radius="lg">
          <CollectProgressBar progress={collecting} />
        </Paper>
      )}

      {status === 'error' && (
        <LoadErrorAlert title="Usage could not be loaded" message={error} onRetry={() => void load()} data-testid="usage-error" />
      )}

      {fleet && !collected ? (
        <Paper withBorder radius="lg">
          <EmptyState
            py={72}
            variant="light"
            icon={<IconChartBar size={30} />}
            title="No usage collected yet"
            description="The console reads each tenant database once a day (companies, users, transactions, size). Collect now to see the first figures; later runs skip databases that have not changed."
            data-testid="usage-empty"
          >
            <EmptyState.Actions>
              <BlockedAction reason={blocked}>
                <Button leftSection={<IconRefresh size={16} />} onClick={() => void collect()} loading={collecting !== null} disabled={blocked !== null} data-testid="usage-empty-collect">
                  Collect usage now
                </Button>
              </BlockedAction>
            </EmptyState.Actions>
          </EmptyState>
        </Paper>
      ) : status === 'error' && !fleet ? null : (
        <>
          <FleetStats fleet={fleet} />
          <Panel
            title="Tenants near or over their limits"
            aside={fleet ? <Text size="xs" c="dimmed">warning at {fleet.warningPercent}% · red at 100%</Text> : undefined}
            testId="near-limit"
          >
            {!fleet ? (
              <Skeleton h={160} />
            ) : fleet.nearLimit.tenants.length === 0 ? (
              <Group gap="xs" py="md" justify="center" data-testid="near-limit-none">
                <IconCircleCheck size={18} color="var(--mantine-color-teal-6)" />
                <Text size="sm" c="dimmed">
                  No tenant is at or above {fleet.warningPercent}% of a limit.
                </Text>
              </Group>
            ) : (
              <>
                <NearLimitTable tenants={fleet.nearLimit.tenants} warningPercent={fleet.warningPercent} />
                {fleet.nearLimit.total > fleet.nearLimit.tenants.length && (
                  <Text size="xs" c="dimmed" mt="xs">
                    Showing the {fleet.nearLimit.tenants.length} highest of {fleet.nearLimit.total}; the CSV export has them all.
                  </Text>
                )}
              </>
            )}
          </Panel>

          <Grid gap="lg">
            <Grid.Col span={{ base: 12, lg: 8 }}>
              <Panel
                title={`Trends, last ${days} days`}
                aside={
                  <SegmentedControl
                    size="xs"
                    value={String(days)}
                    onChange={(value) => setDays(Number(value) as TrendDays)}
                    data={[
                      { value: '30', label: '30 days' },
                      { value: '90', label: '90 days' },
                    ]}
                    data-testid="trend-days"
                  />
                }
                testId="trends"
              >
                {fleet ? <TrendsChart fleet={fleet} /> : <Skeleton h={420} />}
              </Panel>
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 4 }}>
              <Panel title="Last collection" testId="last-collection">
                {fleet ? <LastRunCard run={fleet.lastRun} /> : <Skeleton h={160} />}
              </Panel>
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 6 }}>
              <Panel title="Storage by tenant" testId="storage">
                {fleet ? <StorageChart fleet={fleet} /> : <Skeleton h={240} />}
              </Panel>
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 6 }}>
              <Stack gap="lg">
                <Panel title="Plan distribution" testId="plans">
                  {fleet ? <PlanDistribution fleet={fleet} /> : <Skeleton h={170} />}
                </Panel>
                <Panel title="MRR by plan" testId="mrr">
                  {fleet ? <MrrByPlan fleet={fleet} /> : <Skeleton h={170} />}
                </Panel>
              </Stack>
            </Grid.Col>
            <Grid.Col span={12}>
              <SignupFunnelPanel />
            </Grid.Col>
          </Grid>
        </>
      )}
      <TenantDrawer />
    </Stack>
  );
}
