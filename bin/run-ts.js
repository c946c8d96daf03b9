#!/usr/bin/env node
// Runs a TypeScript entry point from source under plain Node (tsx's loader), so benchmarks
// and test helpers never run stale build output (tenantctl runs its bundle: bin/tenantctl.js).
import { register } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

register();
const entry = process.argv[2];
if (!entry) {
  console.error('usage: run-ts.js FILE.ts [args…]');
  process.exit(2);
}
process.argv.splice(2, 1);
await import(pathToFileURL(resolve(entry)).href);
