import type { CliIo, CliSignal } from './cli-context';

/** The real process's io for `tenantctl`; `signalled()` tells the entry to exit without waiting for interrupted work. */
export function processIo(): CliIo & { signalled(): boolean } {
  let signalled = false;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    signalled: () => signalled,
    onSignal(listener) {
      // once: a second Ctrl-C while closing gets Node's default (the process ends at once).
      const handle = (signal: CliSignal) => {
        signalled = true;
        listener(signal);
      };
      process.once('SIGINT', handle);
      process.once('SIGTERM', handle);
      return () => {
        process.off('SIGINT', handle);
        process.off('SIGTERM', handle);
      };
    },
  };
}
