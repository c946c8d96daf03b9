import { InvalidArgumentError, type Command } from 'commander';
import { openConsoleCore } from '../app/console-core';
import { startHostServer } from '../host/host-server';

function portOption(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('Port must be 0–65535 (0 = any free port).');
  return port;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('host mode: serve the console on 127.0.0.1 for a browser')
    .option('--port <n>', 'port on 127.0.0.1 (0 = any free port)', portOption, 0)
    .option('--json', 'print {"url","port"} as JSON')
    .action(async (options: { port: number; json?: boolean }) => {
      const core = await openConsoleCore({ mode: 'host' });
      let host;
      try {
        host = await startHostServer(core, { port: options.port });
      } catch (error) {
        await core.close();
        throw error;
      }
      if (options.json) process.stdout.write(`${JSON.stringify({ url: host.url, port: host.port })}\n`);
      else process.stdout.write(`Tenant Console host mode: ${host.url}\n(press Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await host.close();
      await core.close();
    });
}
