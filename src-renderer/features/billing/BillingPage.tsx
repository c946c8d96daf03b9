import { Badge, Box, Button, Grid, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { api } from '../../api/client';
import { LoadErrorAlert } from '../../components/LoadErrorAlert';
import { Panel } from '../../components/Panel';
import { formatDateTime, formatMoney } from '../../lib/format';
import { useQuery } from '../../lib/use-query';
import { TenantDrawer } from '../tenants/detail/TenantDrawer';
import { BillingSettingsCard } from './BillingSettingsCard';
import { BillingStateChart } from './BillingStateChart';
import { BillingStats } from './BillingStats';
import { NoneYet, PastDueTable, TrialsTable } from './FleetBillingTables';
import { InvoicesTable } from './InvoicesTable';
import { LifecyclePanel } from './LifecyclePanel';

/** Billing: revenue, the trials and tenants that need an eye, open invoices, the lifecycle job, and the billing settings. */
export function BillingPage() {
  // Reloaded by the invalidation table after a payment, a void, a lifecycle run or a settings save.
  const overview = useQuery(() => api().call('billing:overview', {}), [], { key: 'billingOverview' });
  const data = overview.value;
  const failed = overview.error !== null && data === null;

  return (
    <Stack gap="lg" maw={1280} mx="auto" data-testid="billing-page" data-loaded={data ? 'true' : 'false'}>
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Box>
          <Group gap="sm" align="center">
            <Title order={2} data-testid="page-title">
              Billing
            </Title>
            {data && (
              <Badge variant="light" color={data.mode === 'stripe' ? 'violet' : 'gray'} tt="none" data-testid="billing-mode">
                {data.mode === 'stripe' ? 'Stripe' : 'Manual invoicing'}
              </Badge>
            )}
          </Group>
          <Text c="dimmed" size="sm" mt={4}>
            {data ? `Trials, subscriptions and invoices, as of ${formatDateTime(data.now)}.` : 'Trials, subscriptions and invoices.'}
          </Text>
        </Box>
        <Button variant="default" leftSection={<IconRefresh size={16} />} onClick={overview.reload} loading={overview.loading && data !== null} data-testid="billing-refresh">
          Refresh
        </Button>
      </Group>

      {overview.error && (
        <LoadErrorAlert title="Billing could not be loaded" message={overview.error} onRetry={overview.reload} data-testid="billing-error" />
      )}

      {!failed && (
        <>
          <BillingStats overview={data} />
          <Grid gap="lg">
            <Grid.Col span={{ base: 12, lg: 6 }}>
              <Panel title="Trials ending this week" testId="trials-panel">
                {data ? <TrialsTable rows={data.trialsEndingThisWeek} now={data.now} /> : <Skeleton h={140} />}
              </Panel>
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 6 }}>
              <Panel title="Past due and in grace" testId="past-due-panel">
                {data ? <PastDueTable rows={data.pastDue} now={data.now} currency={data.currency} /> : <Skeleton h={140} />}
              </Panel>
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 8 }}>
              <Panel
                title="Open invoices"
                aside={
                  data && data.openInvoices.count > 0 ? (
                    <Text size="xs" c="dimmed" data-testid="open-invoices-summary">
                      {data.openInvoices.count} open · {formatMoney(data.openInvoices.totalCents, data.currency)}
                      {data.openInvoices.overdueCount > 0 && (
                        <Text span size="xs" c="red" fw={600}>
                          {' '}
                          · {data.openInvoices.overdueCount} overdue ({formatMoney(data.openInvoices.overdueCents, data.currency)})
                        </Text>
                      )}
                    </Text>
                  ) : undefined
                }
                testId="open-invoices-panel"
                fill={false}
              >
                {!data ? (
                  <Skeleton h={180} />
                ) : data.openInvoices.rows.length === 0 ? (
                  <NoneYet message="No open invoices: everything issued is paid or void." testId="open-invoices-none" />
                ) : (
                  <InvoicesTable invoices={data.openInvoices.rows} showTenant testId="open-invoices-table" />
                )}
              </Panel>
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 4 }}>
              <Stack gap="lg">
                <Panel title="Lifecycle job" testId="lifecycle">
                  {data ? <LifecyclePanel overview={data} /> : <Skeleton h={160} />}
                </Panel>
                <Panel title="Billed tenants by state" testId="state-chart-panel">
                  {data ? <BillingStateChart overview={data} /> : <Skeleton h={150} />}
                </Panel>
              </Stack>
            </Grid.Col>
          </Grid>
        </>
      )}

      <Panel title="Billing settings" testId="billing-settings-panel">
        <BillingSettingsCard />
      </Panel>
      <TenantDrawer />
    </Stack>
  );
}
