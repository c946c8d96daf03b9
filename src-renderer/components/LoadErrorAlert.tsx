import { Alert, Button, Text, type AlertProps } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';

interface LoadErrorAlertProps extends Omit<AlertProps, 'children' | 'title'> {
  readonly title: string;
  /** Main's message, shown as is. */
  readonly message: string | null;
  readonly onRetry: () => void;
  readonly 'data-testid'?: string;
}

/** What every panel shows when its data could not be loaded: main's message and a retry. */
export function LoadErrorAlert({ title, message, onRetry, ...alertProps }: LoadErrorAlertProps) {
  return (
    <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={title} {...alertProps}>
      <Text size="sm" mb="sm">
        {message}
      </Text>
      <Button size="xs" variant="default" onClick={onRetry}>
        Try again
      </Button>
    </Alert>
  );
}
