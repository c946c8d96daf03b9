import { useState } from 'react';
import { Alert, Button, Group, Text } from '@mantine/core';
import { IconCloudOff, IconFileImport } from '@tabler/icons-react';
import { api } from '../../api/client';
import { formatDateTime, formatRelative } from '../../lib/format';
import { notifyError } from '../../lib/notify';
import { useConnectivityStore } from '../../store/connectivity-store';

/** Above every page: offline (with the snapshot's time), or reviewing an imported snapshot. */
export function OfflineBanner() {
  const status = useConnectivityStore((state) => state.status);
  const [closing, setClosing] = useState(false);
  if (!status) return null;

  if (status.review) {
    const close = async () => {
      setClosing(true);
      try {
        useConnectivityStore.getState().apply(await api().call('snapshot:closeReview', {}));
      } catch (error) {
        notifyError('Could not close the review', error);
      } finally {
        setClosing(false);
      }
    };
    return (
      <Alert variant="light" color="violet" radius="md" mb="lg" icon={<IconFileImport size={20} />} data-testid="review-banner">
        <Group justify="space-between" wrap="wrap" gap="sm">
          <Text size="sm" fw={500}>
            Reviewing snapshot from {status.review.consoleLabel} as of {formatDateTime(status.review.takenAt)} — read-only.
          </Text>
          <Button size="compact-sm" variant="default" loading={closing} onClick={() => void close()} data-testid="close-review">
            Close review
          </Button>
        </Group>
      </Alert>
    );
  }

  if (status.online) return null;
  return (
    <Alert variant="light" color="orange" radius="md" mb="lg" icon={<IconCloudOff size={20} />} data-testid="offline-banner" role="status">
      <Text size="sm" fw={600}>
        {status.snapshotAt ? `Offline — showing data as of ${formatDateTime(status.snapshotAt)}` : 'Offline — no saved data to show yet'}
      </Text>
      <Text size="xs" c="dimmed" mt={2}>
        The platform database is not answering (since {formatRelative(status.since)}). Changes are disabled; the console reconnects by itself.
      </Text>
    </Alert>
  );
}
