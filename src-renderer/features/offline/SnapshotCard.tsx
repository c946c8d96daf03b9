import { useRef, useState } from 'react';
import { Button, Group, Stack, Text } from '@mantine/core';
import { IconDownload, IconUpload } from '@tabler/icons-react';
import { SNAPSHOT_MAX_CHARS } from '../../../src-shared/contract/offline-models';
import { api } from '../../api/client';
import { downloadText } from '../../lib/download';
import { formatCount, formatDateTime } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useConnectivityStore } from '../../store/connectivity-store';

/** Export snapshot… / Import snapshot…: the file goes through the contract as text, in both transports. */
export function SnapshotCard() {
  const status = useConnectivityStore((state) => state.status);
  const [busy, setBusy] = useState<'export' | 'import' | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const exportSnapshot = async () => {
    setBusy('export');
    try {
      const exported = await api().call('snapshot:export', {});
      downloadText(exported.fileName, exported.content, 'application/json');
      notifySuccess('Snapshot exported', `${formatCount(exported.tenantCount)} tenants as of ${formatDateTime(exported.takenAt)}.`);
    } catch (error) {
      notifyError('Could not export the snapshot', error);
    } finally {
      setBusy(null);
    }
  };

  const importSnapshot = async (file: File) => {
    setBusy('import');
    try {
      if (file.size > SNAPSHOT_MAX_CHARS) throw new Error(`${file.name} is too large to be a snapshot file.`);
      const result = await api().call('snapshot:import', { content: await file.text(), fileName: file.name });
      notifySuccess('Snapshot imported', `Reviewing ${formatCount(result.tenantCount)} tenants from ${result.review.consoleLabel} as of ${formatDateTime(result.review.takenAt)}.`);
      await useConnectivityStore.getState().load();
    } catch (error) {
      notifyError('Could not import the snapshot', error);
    } finally {
      setBusy(null);
      if (fileInput.current) fileInput.current.value = '';
    }
  };

  return (
    <Stack gap="sm" data-testid="snapshot-card">
      <Text size="sm">
        {status?.snapshotAt ? `Last saved ${formatDateTime(status.snapshotAt)}.` : 'Nothing saved yet: the console saves tenants each time it lists them online.'}
      </Text>
      <Text size="xs" c="dimmed">
        An imported snapshot is shown read-only until you close the review.
      </Text>
      <Group gap="sm">
        <Button variant="default" leftSection={<IconDownload size={16} />} loading={busy === 'export'} disabled={busy !== null} onClick={() => void exportSnapshot()} data-testid="snapshot-export">
          Export snapshot…
        </Button>
        <Button variant="default" leftSection={<IconUpload size={16} />} loading={busy === 'import'} disabled={busy !== null} onClick={() => fileInput.current?.click()} data-testid="snapshot-import">
          Import snapshot…
        </Button>
        <input
          ref={fileInput}
          type="file"
          accept="application/json,.json"
          hidden
          data-testid="snapshot-file"
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            if (file) void importSnapshot(file);
          }}
        />
      </Group>
    </Stack>
  );
}
