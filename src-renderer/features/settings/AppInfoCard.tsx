import { LoadErrorAlert } from '../../components/LoadErrorAlert';
import type { ReactNode } from 'react';
import { Code, DataList, Skeleton, Stack, Text } from '@mantine/core';
import type { AppInfo } from '../../../src-shared/contract/models';
import { useReferenceStore } from '../../store/reference-store';

const MODE_LABELS: Readonly<Record<AppInfo['mode'], string>> = {
  electron: 'Desktop app',
  host: 'Host mode (browser)',
  cli: 'Command line',
};

/** Read-only facts from app:info: where the console keeps its data and which versions run. */
export function AppInfoCard() {
  const info = useReferenceStore((state) => state.appInfo);
  const error = useReferenceStore((state) => state.appInfoError);

  if (!info && error) {
    return (
      <LoadErrorAlert
        title="Console facts could not be loaded"
        message={error}
        onRetry={() => void useReferenceStore.getState().loadAppInfo()}
        data-testid="app-info-error"
      />
    );
  }
  if (!info) {
    return (
      <Stack gap="sm" data-testid="app-info-loading">
        {Array.from({ length: 7 }, (_, index) => (
          <Skeleton key={index} h={14} w={`${60 + ((index * 13) % 35)}%`} />
        ))}
      </Stack>
    );
  }

  return (
    <DataList orientation="horizontal" labelWidth={170} size="sm" withDivider data-testid="app-info">
      <Fact label="PostgreSQL server" testId="info-server-kind">
        {info.server.kind === 'embedded' ? 'Embedded (managed by the console)' : 'External server'}
      </Fact>
      <Fact label="Address" testId="info-server-address" mono>
        {`${info.server.host}:${info.server.port}`}
      </Fact>
      <Fact label="Server version" testId="info-server-version">
        {info.server.serverVersion || '—'}
      </Fact>
      <Fact label="Platform database" testId="info-platform-database" mono>
        {info.platformDatabase}
      </Fact>
      <Fact label="Tenant schema version" testId="info-schema-version">
        {info.tenantSchemaVersion}
      </Fact>
      <Fact label="Console version" testId="info-console-version">
        {info.version}
      </Fact>
      <Fact label="Mode" testId="info-mode">
        {MODE_LABELS[info.mode]}
      </Fact>
    </DataList>
  );
}

function Fact({ label, testId, mono, children }: { label: string; testId: string; mono?: boolean; children: ReactNode }) {
  return (
    <DataList.Item>
      <DataList.ItemLabel>{label}</DataList.ItemLabel>
      <DataList.ItemValue>
        {mono ? (
          <Code data-testid={testId}>{children}</Code>
        ) : (
          <Text size="sm" component="div" className="tabular" data-testid={testId} style={{ wordBreak: 'break-word' }}>
            {children}
          </Text>
        )}
      </DataList.ItemValue>
    </DataList.Item>
  );
}
