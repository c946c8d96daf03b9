import { useEffect, useState, type ReactNode } from 'react';
import { Button, Center, EmptyState, Loader, Stack } from '@mantine/core';
import { IconPlugConnectedX } from '@tabler/icons-react';
import { api } from '../../api/client';
import { useConnectivityStore } from '../../store/connectivity-store';
import { sessionScreen } from '../../store/session-screen';
import { useSessionStore } from '../../store/session-store';
import { ChangePasswordScreen } from './ChangePasswordScreen';
import { SignInScreen } from './SignInScreen';

/**
 * What the window shows before the console: who is signed in decides — the sign-in screen,
 * a new password after a one-time one, or the console itself (keyed by the operator, so a
 * different operator starts from a fresh console, never another operator's screens).
 */
export function SessionGate({ children }: { children: (operator: string | null) => ReactNode }) {
  const [asked, setAsked] = useState(false);
  const online = useConnectivityStore((state) => (state.status ? state.status.online : null));
  const screen = useSessionStore((store) => sessionScreen(store, online));
  const state = useSessionStore((store) => store.state);

  useEffect(() => {
    const session = useSessionStore.getState();
    // Both first: offline since the start, nobody could sign in and the cache is shown instead.
    void Promise.allSettled([session.load(), useConnectivityStore.getState().load()]).then(() => setAsked(true));
    const offs = [
      // Idle expiry, a password reset or a role removed elsewhere: the next refused call brings the sign-in screen.
      api().onUnauthenticated(() => useSessionStore.getState().refused()),
      // Back online: the start may have signed the console in meanwhile, and the role can be asked again.
      useConnectivityStore.subscribe((next, previous) => {
        if (next.status?.online && previous.status?.online === false) void useSessionStore.getState().load();
      }),
    ];
    return () => {
      for (const off of offs) off();
    };
  }, []);

  if (!asked || screen === 'loading') {
    return (
      <Center h="100vh" data-testid="session-loading">
        <Loader type="dots" aria-label="Loading" />
      </Center>
    );
  }
  if (screen === 'unreachable') return <Unreachable />;
  if (screen === 'signIn' && state) return <SignInScreen state={state} />;
  if (screen === 'changePassword' && state?.session) return <ChangePasswordScreen session={state.session} />;
  return children(state?.session?.operator ?? null);
}

function Unreachable() {
  const error = useSessionStore((store) => store.error);
  // FORBIDDEN: host mode refused the tab itself (no access token from the printed URL).
  const refused = useSessionStore((store) => store.errorCode === 'FORBIDDEN');
  return (
    <Center h="100vh" p="md">
      <Stack maw={520}>
        <EmptyState
          variant="light"
          color="red"
          icon={<IconPlugConnectedX size={30} />}
          title={refused ? 'This tab is not connected to the console' : 'The console cannot be reached'}
          description={error ?? 'The console did not answer.'}
          data-testid="session-unreachable"
        >
          <EmptyState.Actions>
            <Button variant="default" onClick={() => void useSessionStore.getState().load()}>
              Try again
            </Button>
          </EmptyState.Actions>
        </EmptyState>
      </Stack>
    </Center>
  );
}
