/**
 * Waits for every promise to settle, then rejects with the first failure, if any: unlike Promise.all, a
 * caller told of a failure knows that nothing of the others still writes.
 */
export async function allSettledOrFirstFailure(promises: readonly Promise<unknown>[]): Promise<void> {
  const failures: unknown[] = [];
  await Promise.all(promises.map((promise) => promise.catch((error: unknown) => void failures.push(error))));
  if (failures.length > 0) throw failures[0];
}
