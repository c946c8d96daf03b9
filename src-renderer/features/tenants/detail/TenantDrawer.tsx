import { LoadErrorAlert } from '../../../components/LoadErrorAlert';
import { useEffect, useState, type ReactNode } from 'react';
import { ActionIcon, Alert, Box, Button, Drawer, Group, Skeleton, Stack, Tabs, Text, Title, Tooltip } from '@mantine/core';
import {
  IconAlertTriangle,
  IconBan,
  IconPlayerPause,
  IconPlayerPlay,
  IconRefresh,
  IconTrash,
} from '@tabler/icons-react';
import type { TenantDetail } from '../../../../src-shared/contract/models';
import { statusActionProblem, type StatusAction } from '../../../../src-shared/domain/status';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useTenantActivityStore } from '../../../store/tenant-activity-store';
import { useTenantDetailStore } from '../../../store/tenant-detail-store';
import { PlanBadge, StatusBadge } from '../badges';
import { TENANT_DETAIL_TABS } from './detail-tabs';
import type { SnapshotMark } from '../../../../src-shared/contract/offline-models';
import type { ChannelName } from '../../../../src-shared/contract/channels';
import { useActionBlocks } from '../../../store/action-block';
import { AsOfNote } from '../../offline/AsOfNote';
import { BlockedAction } from '../../offline/BlockedAction';
import { DeletedTombstone } from '../../backups/DeletedTombstone';
import { DeleteTenantModal } from '../../backups/DeleteTenantModal';
import { StatusActionModal } from './StatusActionModals';
import { useOpenDialogsStore } from '../../../store/open-dialogs-store';
import { isTenantTabName } from '../../../navigation/page-names';

export function TenantDrawer() {
  const selectedCode = useTenantDetailStore((state) => state.selectedCode);
  const detail = useTenantDetailStore((state) => state.detail);
  const status = useTenantDetailStore((state) => state.status);
  const error = useTenantDetailStore((state) => state.error);
  const { close } = useTenantDetailStore.getState();
  const reload = () => {
    void useTenantDetailStore.getState().reload();
    useTenantActivityStore.getState().refresh();
  };
  const [action, setAction] = useState<{ kind: StatusAction; opened: boolean }>({ kind: 'suspend', opened: false });
  const [deleting, setDeleting] = useState(false);

  const tenant = detail && detail.tenantCode === selectedCode ? detail : null;
  // Escape closes only the topmost layer: a dialog open above the drawer takes it alone.
  const dialogAbove = useOpenDialogsStore((state) => state.count > 0);

  // The journal follows the tenant the drawer is open on.
  useEffect(() => {
    if (selectedCode) useTenantActivityStore.getState().load(selectedCode);
    else useTenantActivityStore.getState().clear();
  }, [selectedCode]);

  return (
    <>
      <Drawer
        opened={selectedCode !== null}
        onClose={close}
        position="right"
        size={660}
        padding="lg"
        closeOnEscape={!dialogAbove && !action.opened && !deleting}
        title={<DrawerTitle tenant={tenant} code={selectedCode} />}
        data-testid="tenant-drawer"
      >
        {tenant ? (
          <TenantDetailBody
            tenant={tenant}
            refreshing={status === 'loading'}
            onAction={(kind) => setAction({ kind, opened: true })}
            onDelete={() => setDeleting(true)}
            onReload={reload}
          />
        ) : status === 'error' ? (
          <LoadErrorAlert title="The tenant could not be loaded" message={error} onRetry={reload} data-testid="tenant-detail-error" />
        ) : (
          <DetailSkeleton />
        )}
      </Drawer>
      {tenant && (
        <StatusActionModal
          action={action.kind}
          opened={action.opened}
          tenant={tenant}
          onClose={() => setAction((current) => ({ ...current, opened: false }))}
        />
      )}
      {tenant && <DeleteTenantModal tenant={tenant} opened={deleting} onClose={() => setDeleting(false)} />}
    </>
  );
}

function DrawerTitle({ tenant, code }: { tenant: TenantDetail | null; code: string | null }) {
  return (
    <Box>
      <Title order={3} size="h4" data-testid="detail-company">
        {tenant?.companyName ?? code ?? ''}
      </Title>
      {tenant && (
        <Text size="sm" c="dimmed" ff="monospace" data-testid="detail-code">
          {tenant.tenantCode}
        </Text>
      )}
    </Box>
  );
}

const ACTIONS: ReadonlyArray<{ kind: StatusAction; channel: ChannelName; label: string; color: string; icon: ReactNode; variant: string }> = [
  { kind: 'suspend', channel: 'tenants:suspend', label: 'Suspend', color: 'orange', icon: <IconPlayerPause size={16} />, variant: 'light' },
  { kind: 'activate', channel: 'tenants:activate', label: 'Activate', color: 'green', icon: <IconPlayerPlay size={16} />, variant: 'filled' },
  { kind: 'cancel', channel: 'tenants:cancel', label: 'Cancel tenant', color: 'red', icon: <IconBan size={16} />, variant: 'subtle' },
];

function TenantDetailBody(props: { tenant: TenantDetail; refreshing: boolean; onAction: (kind: StatusAction) => void; onDelete: () => void; onReload: () => void }) {
  const blockOf = useActionBlocks();
  const snapshot = (props.tenant as TenantDetail & { snapshot?: SnapshotMark }).snapshot;
  return <TenantDetailView {...props} blockOf={blockOf} snapshot={snapshot} />;
}

function TenantDetailView({
  tenant,
  refreshing,
  onAction,
  onDelete,
  onReload,
  blockOf,
  snapshot,
}: {
  tenant: TenantDetail;
  refreshing: boolean;
  onAction: (kind: StatusAction) => void;
  onDelete: () => void;
  onReload: () => void;
  /** Why an action (by its channel) cannot run now: the role, offline, a snapshot review. */
  blockOf: (channel: ChannelName) => string | null;
  snapshot: SnapshotMark | undefined;
}) {
  const tab = useTenantDetailStore((state) => state.tab);
  const { setTab } = useTenantDetailStore.getState();
  const available = ACTIONS.filter((entry) => statusActionProblem(entry.kind, tenant.status) === null);
  // Cancelled tenants are deleted once retention ends; any other is forced by typing the code.
  const deletable = tenant.status !== 'deleted' && tenant.status !== 'provisioning';

  return (
    <Stack gap="lg" data-testid="tenant-detail" data-status={tenant.status} data-version={tenant.version}>
      <Group justify="space-between" align="center" wrap="nowrap">
        <Group gap="xs">
          <StatusBadge status={tenant.status} size="lg" data-testid="detail-status" />
          <PlanBadge plan={tenant.plan} size="lg" />
        </Group>
        <Group gap={6} wrap="nowrap">
          {snapshot ? (
            <AsOfNote snapshot={snapshot} testId="detail-as-of" />
          ) : (
            <Text size="xs" c="dimmed">
              Updated {formatRelative(tenant.updatedAt)}
            </Text>
          )}
          <Tooltip label="Reload">
            <ActionIcon variant="subtle" color="gray" aria-label="Reload tenant" loading={refreshing} onClick={onReload}>
              <IconRefresh size={16} />
            </ActionIcon>
          </Tooltip>
        </Group>
      </Group>

      {(available.length > 0 || deletable) && (
        <Group gap="xs" data-testid="detail-actions">
          {available.map((entry) => (
            <BlockedAction key={entry.kind} reason={blockOf(entry.channel)} testId={`action-${entry.kind}-blocked`}>
              <Button
                color={entry.color}
                variant={entry.variant}
                leftSection={entry.icon}
                onClick={() => onAction(entry.kind)}
                disabled={blockOf(entry.channel) !== null}
                data-testid={`action-${entry.kind}`}
              >
                {entry.label}
              </Button>
            </BlockedAction>
          ))}
          {deletable && (
            <BlockedAction reason={blockOf('tenants:delete')} testId="action-delete-blocked">
              <Button color="red" variant={tenant.status === 'cancelled' ? 'light' : 'subtle'} leftSection={<IconTrash size={16} />} onClick={onDelete} disabled={blockOf('tenants:delete') !== null} data-testid="action-delete">
                Delete tenant…
              </Button>
            </BlockedAction>
          )}
        </Group>
      )}

      {tenant.status === 'deleted' && <DeletedTombstone tenant={tenant} />}

      {available.length === 0 && !deletable && tenant.status !== 'deleted' && (
        <Text size="sm" c="dimmed">
          No status change is possible while the tenant is {tenant.status}.
        </Text>
      )}

      {(tenant.status === 'suspended' || tenant.status === 'cancelled') && (
        <Alert
          variant="light"
          color={tenant.status === 'suspended' ? 'red' : 'gray'}
          icon={<IconAlertTriangle size={18} />}
          title={tenant.status === 'suspended' ? 'Suspended — the tenant cannot log in' : 'Cancelled — deletion scheduled'}
          data-testid="detail-status-alert"
        >
          <Text size="sm" data-testid="detail-status-reason">
            {tenant.statusReason ?? 'No reason was recorded.'}
          </Text>
          {tenant.deletionScheduledAt && (
            <Text size="sm" mt={4}>
              The database will be deleted {formatRelative(tenant.deletionScheduledAt)} ({formatDateTime(tenant.deletionScheduledAt)}).
            </Text>
          )}
        </Alert>
      )}

      <Tabs value={tab} onChange={(value) => setTab(value && isTenantTabName(value) ? value : 'overview')} keepMounted={false} data-testid="detail-tabs">
        <Tabs.List>
          {TENANT_DETAIL_TABS.map((entry) => (
            <Tabs.Tab key={entry.value} value={entry.value} leftSection={<entry.icon size={15} stroke={1.7} />} data-testid={`detail-tab-${entry.value}`}>
              {entry.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {TENANT_DETAIL_TABS.map((entry) => (
          <Tabs.Panel key={entry.value} value={entry.value} pt="md">
            <entry.Panel tenant={tenant} />
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}

function DetailSkeleton() {
  return (
    <Stack gap="lg" data-testid="tenant-detail-loading">
      <Group justify="space-between">
        <Skeleton h={26} w={180} />
        <Skeleton h={32} w={160} />
      </Group>
      {[0, 1, 2].map((index) => (
        <Skeleton key={index} h={130} radius="md" />
      ))}
    </Stack>
  );
}
