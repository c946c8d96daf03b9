#!/usr/bin/env node
// tenantctl runs the console core from source under plain Node (tsx's loader): the same
// code the desktop app bundles, with no build step in between.
import { register } from 'tsx/esm/api';

register();
await import('../src-main/cli/tenantctl.ts');
