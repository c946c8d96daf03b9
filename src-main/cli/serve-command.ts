import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from './cli-context';
import { openCliCore } from './session';

function portOption(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('Port must be 0–65535 (0 = any free port).');
  return port;
}

export function registerServeCommand(program: Command, cli: CliContext): void {
  program
    .command('serve')
    .description('host mode: serve the console on 127.0.0.1 for a browser')
    .option('--port <n>', 'port on 127.0.0.1 (0 = any free port)', portOption, 0)
    .option('--json', 'print {"url","port"} as JSON')
    .action(async (options: { port: number; json?: boolean }) => {
      // Host mode's server code loads only for `serve`.
      const { startHostServer } = await import('../host/host-server');
      const core = await openCliCore(cli, 'host');
      let host;
      try {
        host = await startHostServer(core, { port: options.port });
      } catch (error) {
        await core.close();
        throw error;
      }
      if (options.json) cli.out(`${JSON.stringify({ url: host.url, port: host.port })}\n`);
      else cli.out(`Tenant Console host mode: ${host.url}\n(press Ctrl-C to stop)\n`);
      // Serves until Ctrl-C or SIGTERM, then stops cleanly (exit code 0).
      await new Promise<void>((resolve) => {
        const off = cli.onSignal(() => {
          off();
          resolve();
        });
      });
      await host.close();
      await core.close();
    });
}
