/**
 * A commit that does not wait for its WAL to reach the disk (synchronous_commit = off for
 * that transaction only). It is as visible and as atomic as any commit; only a server crash
 * within a fraction of a second can lose it — and then it loses everything after it too,
 * since WAL is replayed in order. So a step of a multi-step operation may use it when a
 * later, ordinary commit on the same server ends the operation: that commit's flush makes
 * every earlier step durable, and a crash before it leaves a prefix of the steps, which
 * reconcile finishes like any interruption.
 */

/** First statement of a multi-statement simple query (one implicit transaction). */
export const NO_FLUSH_STATEMENT = "SET LOCAL synchronous_commit = off";

/** An always-true condition for a single statement's WHERE clause, with the same effect. */
export const NO_FLUSH_CONDITION = "(SELECT set_config('synchronous_commit', 'off', true)) = 'off'";
