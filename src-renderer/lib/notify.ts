import { notifications } from '@mantine/notifications';
import { isApiError, errorMessage } from '../api/api-error';

/** Shows main's message for a failed operation; the title names what the operator tried. */
export function notifyError(title: string, error: unknown): void {
  notifications.show({
    color: 'red',
    title,
    message: errorMessage(error),
    autoClose: isApiError(error) && error.code === 'VALIDATION' ? 8000 : 10000,
    withBorder: true,
  });
}

export function notifySuccess(title: string, message: string): void {
  notifications.show({ color: 'teal', title, message, autoClose: 4000, withBorder: true });
}
