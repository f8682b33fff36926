// Heap snapshots through CDP, summarized by object type and constructor.

/** Takes a snapshot after forced GCs; returns `Map<"type name", { size, count }>` of self sizes. */
export async function heapSnapshot(page) {
  const cdp = await page.createCDPSession();
  try {
    for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
    const chunks = [];
    cdp.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => chunks.push(chunk));
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    return summarize(JSON.parse(chunks.join('')));
  } finally {
    await cdp.detach().catch(() => {});
  }
}

function summarize(snap) {
  const { node_fields: fields, node_types: [types] } = snap.snapshot.meta;
  const width = fields.length;
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const sizes = new Map();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + iType]];
    let name = snap.strings[snap.nodes[i + iName]];
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') name = '(string)';
    if (type === 'code') name = '(code)';
    if (type === 'number') name = '(number)';
    const key = `${type} ${String(name).slice(0, 60)}`;
    const entry = sizes.get(key) ?? { size: 0, count: 0 };
    entry.size += snap.nodes[i + iSize];
    entry.count += 1;
    sizes.set(key, entry);
  }
  return sizes;
}

/** Total self size, and the part that is not compiled code. */
export function totals(sizes) {
  let all = 0;
  let code = 0;
  for (const [key, { size }] of sizes) {
    all += size;
    if (key.startsWith('code ')) code += size;
  }
  return { all, code, objects: all - code };
}

/** What grew between two summaries, largest first. */
export function growth(before, after, top = 10) {
  const diff = [];
  for (const [key, a] of after) {
    const b = before.get(key) ?? { size: 0, count: 0 };
    if (a.size !== b.size) diff.push({ key, size: a.size - b.size, count: a.count - b.count });
  }
  return diff.sort((x, y) => y.size - x.size).slice(0, top);
}
