/** Runs `body` over `items` with at most `width` at once, as that many clients would; resolves when all are done. */
export async function inParallel<T>(items: T[], width: number, body: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await body(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}
