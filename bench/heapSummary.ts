// Where a heap snapshot's memory is: self size by node type and constructor, largest first. For snapshots written
// by `npm run bench:rss -- --heap-snapshot` (node's --heapsnapshot-signal), without opening Chrome's DevTools.
//
//   npx tsx bench/heapSummary.ts Heap.<…>.heapsnapshot [--top 25]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] }; node_count: number };
  nodes: number[];
  strings: string[];
}

/** Self size per `type:name` (name: the constructor for objects, `(string)` for strings and so on). */
export function summarize(snapshot: Snapshot): {
  total: number;
  rows: { key: string; count: number; bytes: number }[];
} {
  const fields = snapshot.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const types = snapshot.snapshot.meta.node_types[0];
  const byKey = new Map<string, { count: number; bytes: number }>();
  let total = 0;
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt] as number] ?? '?';
    const size = snapshot.nodes[i + sizeAt] as number;
    // Strings and code are many small nodes of one kind: grouped by type; objects by constructor.
    const key =
      type === 'object' || type === 'closure'
        ? `${type}:${snapshot.strings[snapshot.nodes[i + nameAt] as number]}`
        : type;
    const row = byKey.get(key) ?? { count: 0, bytes: 0 };
    row.count += 1;
    row.bytes += size;
    byKey.set(key, row);
    total += size;
  }
  const rows = [...byKey].map(([key, row]) => ({ key, ...row })).sort((a, b) => b.bytes - a.bytes);
  return { total, rows };
}

if (process.argv[1]?.endsWith('heapSummary.ts')) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' } },
  });
  const file = positionals[0];
  if (!file) throw new Error('usage: npx tsx bench/heapSummary.ts <file.heapsnapshot> [--top n]');
  const { total, rows } = summarize(JSON.parse(readFileSync(file, 'utf8')) as Snapshot);
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  console.log(`heap: ${mib(total)} MiB in ${rows.reduce((n, r) => n + r.count, 0)} nodes`);
  for (const row of rows.slice(0, Number(values.top)))
    console.log(`${mib(row.bytes).padStart(8)} MiB ${String(row.count).padStart(9)}  ${row.key}`);
}
