/**
 * Yields `work(item)` for each item in order, with up to `depth` of them started ahead: file system
 * calls go to libuv's thread pool, so looking at the next files while this one is archived hides
 * their latency (a tree of 100,000 small files is that latency, five calls a file, one after the other).
 *
 * `work` should report failures in its result rather than throw, so that they are seen in order. If the
 * consumer stops early, the results started but never taken are passed to `dispose` (to close files).
 */
export async function* readAhead<T, R>(
  items: AsyncIterable<T> | Iterable<T>,
  work: (item: T) => Promise<R>,
  depth: number,
  dispose: (result: R) => Promise<void> = async () => {},
): AsyncGenerator<R> {
  const iterator = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : (items as Iterable<T>)[Symbol.iterator]();
  const started: Promise<R>[] = [];
  let exhausted = false;
  const startMore = async () => {
    while (!exhausted && started.length < depth) {
      const next = await iterator.next();
      if (next.done) exhausted = true;
      else {
        const job = work(next.value);
        job.catch(() => {}); // taken, with its error, when its turn comes
        started.push(job);
      }
    }
  };
  try {
    await startMore();
    while (started.length > 0) {
      yield await started.shift()!;
      await startMore();
    }
  } finally {
    for (const job of started.splice(0)) await job.then(dispose, () => {});
    await iterator.return?.();
  }
}
