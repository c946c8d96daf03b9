import { Alert, Button, Checkbox, Group, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { ActionFailure } from '../../../store/tenant-detail-store';

/** "Back up first", checked by default: the backup runs and is verified before the status changes. */
export function BackupFirstCheckbox({ checked, onChange, disabled }: { checked: boolean; onChange: (checked: boolean) => void; disabled: boolean }) {
  return (
    <Checkbox
      checked={checked}
      onChange={(event) => onChange(event.currentTarget.checked)}
      disabled={disabled}
      label="Back up first"
      description="A verified backup of the database is made before the status changes; if it fails, nothing changes."
      data-testid="backup-first"
    />
  );
}

/**
 * The backup failed: its error, and an explicit override in two steps — "… without a backup"
 * asks once more before the change goes ahead (main records the override in the journal).
 */
export function BackupFailedPanel({
  verb,
  failure,
  confirming,
  busy,
  onAskOverride,
  onOverride,
  onBack,
}: {
  verb: 'Suspend' | 'Cancel';
  failure: ActionFailure;
  confirming: boolean;
  busy: boolean;
  onAskOverride: () => void;
  onOverride: () => void;
  onBack: () => void;
}) {
  return (
    <Stack gap="sm" data-testid="backup-failed">
      <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="The backup failed — nothing was changed">
        <Text size="sm" style={{ wordBreak: 'break-word' }} data-testid="backup-failed-message">
          {failure.message}
        </Text>
      </Alert>
      {confirming ? (
        <Alert color="orange" variant="outline" title={`${verb} without a backup?`} data-testid="override-confirm-panel">
          <Text size="sm" mb="sm">
            The tenant will have no backup of its state at this moment. The override and the backup’s failure are recorded in the
            tenant’s journal and the audit log.
          </Text>
          <Group justify="flex-end" gap="xs">
            <Button variant="default" size="xs" onClick={onBack} disabled={busy}>
              Back
            </Button>
            <Button color="red" size="xs" onClick={onOverride} loading={busy} data-testid="override-confirm">
              Yes, {verb.toLowerCase()} without a backup
            </Button>
          </Group>
        </Alert>
      ) : (
        <Group justify="flex-end">
          <Button variant="subtle" color="red" onClick={onAskOverride} disabled={busy} data-testid="override-backup">
            {verb} without a backup…
          </Button>
        </Group>
      )}
    </Stack>
  );
}
