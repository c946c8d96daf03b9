import type { ReactElement } from 'react';
import { Box, Tooltip } from '@mantine/core';

/**
 * Wraps an action button: when `reason` is set the button is rendered disabled (by the
 * caller) and the reason shows on hover and focus. A disabled button gets no pointer
 * events, so the tooltip hangs on a wrapper.
 */
export function BlockedAction({ reason, children, testId }: { reason: string | null; children: ReactElement; testId?: string }) {
  if (!reason) return children;
  return (
    <Tooltip label={reason} multiline w={280} withArrow>
      <Box component="span" display="inline-block" tabIndex={0} data-testid={testId} data-blocked-reason={reason} style={{ cursor: 'not-allowed' }}>
        {children}
      </Box>
    </Tooltip>
  );
}
