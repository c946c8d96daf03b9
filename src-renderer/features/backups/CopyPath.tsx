import { ActionIcon, Code, CopyButton, Group, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';

/** A file path on the console's machine, shown whole (it wraps) with a copy button. */
export function CopyPath({ path, testId }: { path: string; testId?: string }) {
  return (
    <Group gap={4} wrap="nowrap" align="flex-start">
      <Code fz="xs" style={{ wordBreak: 'break-all', flex: 1 }} data-testid={testId}>
        {path}
      </Code>
      <CopyButton value={path} timeout={2000}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : 'Copy the path'} position="left">
            <ActionIcon size="sm" variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label="Copy the path">
              {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}
