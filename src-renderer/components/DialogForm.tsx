import type { ReactNode } from 'react';

/**
 * A dialog's fields inside a real <form>: Enter in any field submits as the primary button
 * (type="submit") does, and only when that button could be pressed.
 */
export function DialogForm({ onSubmit, canSubmit, children, 'data-testid': testId }: { onSubmit: () => void; canSubmit: boolean; children: ReactNode; 'data-testid'?: string }) {
  return (
    <form
      noValidate
      data-testid={testId}
      onSubmit={(event) => {
        event.preventDefault();
        if (canSubmit) onSubmit();
      }}
    >
      {children}
    </form>
  );
}
