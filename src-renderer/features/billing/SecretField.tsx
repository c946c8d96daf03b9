import { Badge, Button, Group, PasswordInput, Stack, Text } from '@mantine/core';
import type { SecretEdit } from './secret-edit';

/**
 * A write-only secret (SMTP password, Stripe keys): main only says whether it is set. Never
 * prefilled and never shown; Replace asks for a new value, Remove takes it away on save.
 */
export function SecretField({
  label,
  description,
  isSet,
  edit,
  onChange,
  error,
  testId,
}: {
  label: string;
  description?: string;
  isSet: boolean;
  edit: SecretEdit;
  onChange: (edit: SecretEdit) => void;
  error?: string;
  testId: string;
}) {
  return (
    <Stack gap={4} data-testid={testId} data-set={isSet ? 'true' : 'false'}>
      <Group justify="space-between" wrap="nowrap">
        <div>
          <Text size="sm" fw={500}>
            {label}
          </Text>
          {description && (
            <Text size="xs" c="dimmed">
              {description}
            </Text>
          )}
        </div>
        <Group gap="xs" wrap="nowrap">
          {edit.action === 'remove' ? (
            <Badge color="red" variant="light" tt="none" data-testid={`${testId}-state`}>
              will be removed
            </Badge>
          ) : (
            <Badge color={isSet ? 'teal' : 'gray'} variant="light" tt="none" data-testid={`${testId}-state`}>
              {isSet ? 'set' : 'not set'}
            </Badge>
          )}
          {edit.action === 'keep' ? (
            <>
              <Button size="compact-xs" variant="light" onClick={() => onChange({ action: 'replace', value: '' })} data-testid={`${testId}-replace`}>
                {isSet ? 'Replace' : 'Set'}
              </Button>
              {isSet && (
                <Button size="compact-xs" variant="subtle" color="red" onClick={() => onChange({ action: 'remove' })} data-testid={`${testId}-remove`}>
                  Remove
                </Button>
              )}
            </>
          ) : (
            <Button size="compact-xs" variant="subtle" color="gray" onClick={() => onChange({ action: 'keep' })} data-testid={`${testId}-undo`}>
              {edit.action === 'remove' ? 'Keep it' : 'Cancel'}
            </Button>
          )}
        </Group>
      </Group>
      {edit.action === 'replace' && (
        <PasswordInput
          placeholder={isSet ? 'The new value (the current one is never shown)' : 'The value'}
          value={edit.value}
          onChange={(event) => onChange({ action: 'replace', value: event.currentTarget.value })}
          autoComplete="new-password"
          error={error}
          aria-label={label}
          data-testid={`${testId}-input`}
        />
      )}
    </Stack>
  );
}
