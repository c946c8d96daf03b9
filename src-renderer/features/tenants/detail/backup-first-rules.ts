/** What the dialog knows of a failed status action (the store's ActionFailure; plain here so tests can run it under Node). */
interface Failure {
  readonly code: string;
  readonly message: string;
}

/**
 * Main refuses a status change whose backup failed with "<CODE> was not suspended: <why>";
 * a cancelled backup is the operator's own choice and is not offered an override.
 */
export function isBackupFailure<F extends Failure>(failure: F | null, backupFirst: boolean): failure is F {
  return backupFirst && failure !== null && failure.code !== 'CANCELLED' && / was not (suspended|cancelled): /.test(failure.message);
}
