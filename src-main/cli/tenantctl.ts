// The `tenantctl` process: the real streams, environment and signals around runCli.
import { processIo } from './process-io';
import { runCli } from './run-cli';

const io = processIo();
void runCli(process.argv.slice(2), io).then((code) => {
  // Work a Ctrl-C cut short may still hold the event loop: the session has closed, end now.
  if (io.signalled()) process.exit(code);
  process.exitCode = code;
});
