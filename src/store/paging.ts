// Lists kept by id (newest first) and filtered by something no index holds (a name that
// contains a word): read page by page until `limit` records pass the filter.

const READ = 200;

/**
 * Up to `limit` records that `keep` accepts, newest first, below the `before` id; and the
 * id to continue from (null when the list is exhausted).
 */
export async function filteredPage<T extends { id: string }>(
  read: (opts: { limit: number; before?: string }) => Promise<T[]>,
  keep: (record: T) => boolean,
  limit: number,
  before?: string,
): Promise<{ items: T[]; nextBefore: string | null }> {
  const items: T[] = [];
  let cursor = before;
  for (;;) {
    const page = await read({ limit: READ, before: cursor });
    for (const r of page) {
      if (keep(r)) items.push(r);
      if (items.length === limit) return { items, nextBefore: r.id };
    }
    if (page.length < READ) return { items, nextBefore: null };
    cursor = page.at(-1)!.id;
  }
}
