import { useEffect, useState } from 'react';
import { Button, Group, Skeleton, Stack, Text } from '@mantine/core';
import { IconArrowsExchange } from '@tabler/icons-react';
import type { TenantDetail } from '../../../../src-shared/contract/models';
import { LoadErrorAlert } from '../../../components/LoadErrorAlert';
import { formatDate } from '../../../lib/format';
import { useActionBlock } from '../../../store/action-block';
import { useConnectivityStore } from '../../../store/connectivity-store';
import { useTenantPlanStore } from '../../../store/tenant-plan-store';
import { AsOfNote } from '../../offline/AsOfNote';
import { BlockedAction } from '../../offline/BlockedAction';
import { DetailSection } from '../detail/DetailSection';
import { ChangePlanModal } from './ChangePlanModal';
import { OverridesSection } from './OverridesSection';
import { PlanHistoryTimeline } from './PlanHistoryTimeline';
import { UsageBars } from './UsageBars';
import { UsageHistoryChart } from './UsageHistoryChart';
import { invalidate } from '../../../store/invalidation';

/** The drawer's "Usage & plan" tab: live usage against limits, overrides, history, plan changes. */
export function TenantUsagePlan({ tenant }: { tenant: TenantDetail }) {
  const { limits, usage, history } = useTenantPlanStore();
  const [changing, setChanging] = useState(false);
  const changeable = tenant.status === 'active' || tenant.status === 'suspended';
  const blocked = useActionBlock('tenants:changePlan');
  const offline = useConnectivityStore((state) => state.status?.online === false);

  useEffect(() => {
    useTenantPlanStore.getState().load(tenant.tenantCode, true);
  }, [tenant.tenantCode]);

  // Another window changed the tenant (a new version): the limits in force may have moved.
  useEffect(() => {
    const state = useTenantPlanStore.getState();
    if (state.tenantCode === tenant.tenantCode && state.limits.value && state.limits.value.planVersion !== tenant.planVersion) state.reload();
  }, [tenant.tenantCode, tenant.version, tenant.planVersion]);

  const reload = () => useTenantPlanStore.getState().reload();
  const onOverridesChanged = () => invalidate({ event: 'tenant:overridesChanged', tenantCode: tenant.tenantCode });

  return (
    <Stack gap="lg" data-testid="tenant-usage-plan">
      <DetailSection
        title="Usage against limits"
        aside={
          changeable ? (
            <Group gap="xs">
              <AsOfNote snapshot={limits.value?.snapshot} testId="usage-limits-as-of" />
              <BlockedAction reason={blocked} testId="change-plan-blocked">
                <Button size="compact-sm" variant="light" leftSection={<IconArrowsExchange size={14} />} onClick={() => setChanging(true)} disabled={blocked !== null} data-testid="change-plan">
                  Change plan
                </Button>
              </BlockedAction>
            </Group>
          ) : undefined
        }
      >
        {limits.value ? (
          <>
            <Group justify="space-between" mb="sm">
              <Text fw={600} data-testid="usage-plan-name">
                {tenant.planName}
              </Text>
              <Text size="xs" c="dimmed">
                version {tenant.planVersion} · month from {formatDate(limits.value.period)} · warning at {limits.value.warningPercent}%
              </Text>
            </Group>
            <UsageBars limits={limits.value} />
          </>
        ) : limits.status === 'error' ? (
          <LoadErrorAlert
            title={offline ? 'Limits need the database' : 'Usage could not be read from the tenant database'}
            message={limits.error}
            onRetry={reload}
            data-testid="usage-limits-error"
          />
        ) : (
          <Stack gap="md">
            {[0, 1, 2].map((index) => (
              <Skeleton key={index} h={34} />
            ))}
          </Stack>
        )}
      </DetailSection>

      <DetailSection title="Overrides">
        {limits.value ? (
          <OverridesSection tenantCode={tenant.tenantCode} overrides={limits.value.overrides} onChanged={onOverridesChanged} />
        ) : limits.status === 'error' ? (
          <Text size="sm" c="dimmed">
            Shown once the limits load.
          </Text>
        ) : (
          <Skeleton h={40} />
        )}
      </DetailSection>

      <DetailSection title="Last 90 days" aside={<AsOfNote snapshot={usage.value?.snapshot} testId="usage-history-as-of" />}>
        {usage.value ? (
          <UsageHistoryChart usage={usage.value} />
        ) : usage.status === 'error' ? (
          <LoadErrorAlert title="Usage history could not be loaded" message={usage.error} onRetry={reload} />
        ) : (
          <Skeleton h={200} />
        )}
      </DetailSection>

      <DetailSection title="Plan history">
        {history.value ? (
          <PlanHistoryTimeline entries={history.value} />
        ) : history.status === 'error' ? (
          <LoadErrorAlert title="Plan history could not be loaded" message={history.error} onRetry={reload} />
        ) : (
          <Skeleton h={60} />
        )}
      </DetailSection>

      <ChangePlanModal tenant={tenant} opened={changing} onClose={() => setChanging(false)} />
    </Stack>
  );
}
