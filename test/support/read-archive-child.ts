/**
 * Reads each archive named on the command line with the console's reader, in a process of
 * its own so the test can see its peak memory (maxRSS) — Buffers live outside the V8 heap.
 *   node bin/run-ts.js test/support/read-archive-child.ts FILE…
 * Prints one JSON line: { results: [{ file, problem }], maxRssBytes }.
 */
import { readArchive } from '../../src-main/backup/archive-reader';

const results: { file: string; problem: string | null }[] = [];
for (const file of process.argv.slice(2)) {
  try {
    await readArchive(file);
    results.push({ file, problem: null });
  } catch (error) {
    results.push({ file, problem: (error as Error).message });
  }
}
process.stdout.write(`${JSON.stringify({ results, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
