import { getHeapStatistics } from 'node:v8';

/**
 * True when V8's heap in use has passed `share` of the heap's limit. An initial load (initial-load.ts)
 * keeps the documents it builds in memory: bounded by a number of documents alone, a projection of
 * large documents, or several loading at once, can take a process past its container's memory. The
 * limit is the one the process was started with (`--max-old-space-size`, or V8's default from the
 * machine's memory), so a deployment that sets it bounds the loads too. What is in use includes
 * garbage not yet collected: the check errs towards writing early, which costs time, not memory.
 */
export function heapPassed(share: number): boolean {
  const { used_heap_size, heap_size_limit } = getHeapStatistics();
  return used_heap_size > share * heap_size_limit;
}
