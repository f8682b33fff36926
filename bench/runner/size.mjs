// Scenario 5: gzip sizes. Every figure is a minified ES build made here (into bench/out/size/),
// gzipped at level 9: the self-contained bundle as the repo's config builds it, the badge's entry
// with Lit inside, each element's own code with Lit, @lit/context and uPlot left out, and the
// references (Lit, uPlot, Chart.js, React + recharts).
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { minifyCssTemplates } from '../../scripts/minify-css-templates.mjs';
import { minifyHtmlTemplates } from '../../scripts/minify-html-templates.mjs';
import { trimUplotStyles } from '../../scripts/trim-uplot-css.mjs';

const KB = 1024;
const TAGS = ['sse-provider', 'sse-indicator', 'live-status-badge', 'live-metrics-chart', 'live-logs-viewer', 'live-status-alert', 'live-container-actions', 'live-toast-region'];

const gz = (text) => gzipSync(text, { level: 9 }).length;

/** Treats every module under src/ as having side effects (see bench/vite.config.ts). */
const keepRegistrations = {
  name: 'bench-keep-registrations',
  enforce: 'post',
  transform(code, id) {
    if (/[\\/]src[\\/].*\.ts$/.test(id)) return { code, map: null, moduleSideEffects: true };
    return undefined;
  },
};

async function libBuild(root, { entry, outDir, external = [], keep = true, define, asBundle = false }) {
  await build({
    configFile: false,
    root,
    logLevel: 'silent',
    define,
    // The package's own build steps, so the sizes are those users get.
    plugins: [...(keep ? [keepRegistrations] : []), minifyCssTemplates(join(root, 'src')), minifyHtmlTemplates(join(root, 'src')), trimUplotStyles()],
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      minify: true,
      reportCompressedSize: false,
      lib: { entry, formats: ['es'], fileName: () => 'entry.js' },
      // Library mode leaves ES output unminified unless the output itself asks for it, and keeps the
      // tree-shaking hints (/* @__PURE__ */) that an application's production build drops.
      // `asBundle`: chunked as the self-contained bundle is, its lazy parts importing from the entry
      // itself rather than from shared chunks the entry would have to load first.
      rolldownOptions: {
        external,
        ...(asBundle ? { preserveEntrySignatures: 'allow-extension' } : {}),
        output: { chunkFileNames: '[name].js', minify: true, comments: { annotation: false } },
      },
    },
  });
}

/** The entry and the chunks it imports statically (what loads before it runs), gzipped. */
async function staticSize(dir, entry) {
  const seen = new Set();
  let raw = 0;
  let zipped = 0;
  const visit = async (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = await readFile(join(dir, file), 'utf8');
    raw += Buffer.byteLength(text);
    zipped += gz(text);
    for (const match of text.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[^'"()]*?from\s*)?["'](\.\/[^"']+)["']/g)) {
      await visit(match[1].replace(/^\.\//, ''));
    }
  };
  await visit(entry);
  return { raw, gzip: zipped, files: [...seen] };
}

export async function sizeScenario({ root, log, browserCheck }) {
  const out = resolve(root, 'bench/out/size');
  const src = resolve(root, 'src');
  const external = [/^lit($|\/)/, /^@lit\//, /^uplot$/];
  const rows = [];
  const notes = [];

  // The self-contained bundle, built by the repo's own config (bundle mode) into a folder of ours.
  const bundleDir = join(out, 'bundle');
  await build({ configFile: resolve(root, 'vite.config.ts'), mode: 'bundle', logLevel: 'silent', build: { outDir: bundleDir, emptyOutDir: true, reportCompressedSize: false } });
  const bundle = await staticSize(bundleDir, 'live-elements.bundle.js');
  const registered = browserCheck ? await browserCheck(bundleDir, 'live-elements.bundle.js', TAGS) : undefined;
  // The same build with every `src/` module kept for its side effects: what the bundle weighs once
  // its registrations and string tables are in it.
  const fixedDir = join(out, 'bundle-kept');
  await build({
    configFile: resolve(root, 'vite.config.ts'),
    mode: 'bundle',
    logLevel: 'silent',
    plugins: [keepRegistrations],
    build: { outDir: fixedDir, emptyOutDir: true, reportCompressedSize: false },
  });
  const fixed = await staticSize(fixedDir, 'live-elements.bundle.js');
  const fixedRegistered = browserCheck ? await browserCheck(fixedDir, 'live-elements.bundle.js', TAGS) : undefined;
  const lazy = readdirSync(fixedDir).filter((file) => file.endsWith('.js') && !fixed.files.includes(file));
  // Each part loaded lazily beside the bundle, with what it costs when a page first needs it.
  const lazySizes = [];
  for (const file of lazy.sort()) lazySizes.push({ file, gzip: gz(await readFile(join(fixedDir, file))) });
  const lazyGzip = lazySizes.reduce((sum, part) => sum + part.gzip, 0);

  const asBuilt = registered ? TAGS.filter((_, i) => registered[i]) : undefined;
  const kept = fixedRegistered ? TAGS.filter((_, i) => fixedRegistered[i]) : undefined;
  const complete = asBuilt !== undefined && asBuilt.length === TAGS.length;
  rows.push({
    metric: `self-contained bundle \`dist/live-elements.bundle.js\` as the repo builds it, with its static imports`,
    unit: 'KB',
    ours: bundle.gzip / KB,
    budget: budget('≤ 45 KB', bundle.gzip / KB, (v) => v <= 45),
  });
  rows.push({
    metric: '  elements it registers when loaded alone in a page',
    ours: asBuilt ? `${asBuilt.length} of ${TAGS.length}` : 'n/a',
    budget: asBuilt ? { text: 'all', pass: complete } : undefined,
  });
  rows.push({ metric: `  lazily loaded beside it, ${lazy.length} files, each when a page first needs it`, unit: 'KB', ours: lazyGzip / KB });
  for (const part of lazySizes) rows.push({ metric: `    \`${part.file}\``, unit: 'KB', ours: part.gzip / KB });
  if (kept && asBuilt && kept.length > asBuilt.length) {
    rows.push({ metric: `  the same build with every \`src/\` module kept for its side effects (registers ${kept.length})`, unit: 'KB', ours: fixed.gzip / KB });
    notes.push(
      `The bundle as built registers ${asBuilt.length} of ${TAGS.length} elements, ${kept.length} once every \`src/\` module is kept for its side effects: package.json \`sideEffects\` lists only \`./dist/…\` files, so the bundler treats \`src/*/define.ts\` and the \`*.messages.ts\` string tables as pure and drops them.`,
    );
  } else if (asBuilt && !complete) {
    notes.push(`The bundle registers ${asBuilt.join(', ') || 'nothing'}; not registered: ${TAGS.filter((tag) => !asBuilt.includes(tag)).join(', ')} (\`src/index.ts\` does not import their define modules yet). Its size grows when it does.`);
  }

  // The core entry: the session, client, protocol and store, no Lit, no element; its lazily loaded
  // parts (mock, fetch transport, tab sharing) are not in the figure, as for the bundle.
  await libBuild(root, { entry: join(src, 'core/index.ts'), outDir: join(out, 'core'), keep: false });
  const core = await staticSize(join(out, 'core'), 'entry.js');
  rows.push({
    metric: '`@clouddeploy/live-elements/core` (`LiveSession`, client, protocol, store; no Lit), with its static imports',
    unit: 'KB',
    ours: core.gzip / KB,
    budget: { text: `${Math.round((core.gzip / bundle.gzip) * 100)}% of the bundle`, pass: null },
  });

  // Every element folder that has a define module, nothing external: what the bundle will weigh
  // once \`src/index.ts\` registers them all.
  const defines = readdirSync(src).filter((name) => name !== 'shared' && existsSync(join(src, name, 'define.ts')));
  const allEntry = join(out, 'all-defines.js');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(allEntry, defines.map((name) => `import ${JSON.stringify(join(src, name, 'define.ts'))};`).join('\n'));
  try {
    await libBuild(root, { entry: allEntry, outDir: join(out, 'all-defines'), asBundle: true });
    const all = await staticSize(join(out, 'all-defines'), 'entry.js');
    rows.push({
      metric: `  every element folder's define module together (${defines.length}), Lit and uPlot inside`,
      unit: 'KB',
      ours: all.gzip / KB,
      budget: budget('≤ 45 KB', all.gzip / KB, (v) => v <= 45),
    });
  } catch (error) {
    log(`  the define modules do not build together yet: ${String(error.message).split('\n')[0]}`);
  }

  // The badge's entry with Lit inside.
  const badgeDefine = join(src, 'live-status-badge/define.ts');
  if (existsSync(badgeDefine)) {
    await libBuild(root, { entry: badgeDefine, outDir: join(out, 'badge-with-lit') });
    const badge = await staticSize(join(out, 'badge-with-lit'), 'entry.js');
    rows.push({ metric: '`live-status-badge` entry with Lit inside', unit: 'KB', ours: badge.gzip / KB, budget: budget('≤ 10 KB', badge.gzip / KB, (v) => v <= 10) });
  } else {
    rows.push({ metric: '`live-status-badge` entry with Lit inside', unit: 'KB', ours: NaN, budget: budget('≤ 10 KB', NaN, () => false) });
  }

  // Each element's own code: Lit, @lit/context and uPlot outside.
  for (const tag of TAGS) {
    const entry = join(src, tag, 'define.ts');
    let size = NaN;
    if (existsSync(entry)) {
      try {
        await libBuild(root, { entry, outDir: join(out, 'own', tag), external });
        size = (await staticSize(join(out, 'own', tag), 'entry.js')).gzip / KB;
      } catch (error) {
        log(`  ${tag} does not build yet: ${String(error.message).split('\n')[0]}`);
      }
    }
    rows.push({ metric: `  own code: \`${tag}\` (with the shared core it imports; Lit and uPlot outside)`, unit: 'KB', ours: size });
  }
  await libBuild(root, { entry: join(src, 'index.ts'), outDir: join(out, 'own', 'index'), external }).then(
    async () => rows.push({ metric: '  own code: everything (`src/index.ts`), Lit and uPlot outside', unit: 'KB', ours: (await staticSize(join(out, 'own', 'index'), 'entry.js')).gzip / KB }),
    () => rows.push({ metric: '  own code: everything (`src/index.ts`), Lit and uPlot outside', unit: 'KB', ours: NaN }),
  );

  // References.
  const references = [
    ['Lit + @lit/context (the parts the elements use)', 'bench/size/lit.js', {}],
    ['uPlot', 'bench/size/uplot.js', {}],
    ['Chart.js: a line chart, tree-shaken registration', 'bench/size/chartjs-line.js', {}],
    ['React + React DOM + recharts: a line chart (the seed\'s stack)', 'bench/size/react-recharts.js', { 'process.env.NODE_ENV': '"production"' }],
  ];
  for (const [label, entry, define] of references) {
    const dir = join(out, 'ref', entry.split('/').pop().replace(/\.js$/, ''));
    await libBuild(root, { entry: resolve(root, entry), outDir: dir, define, keep: false });
    rows.push({ metric: `reference: ${label}`, unit: 'KB', ours: (await staticSize(dir, 'entry.js')).gzip / KB });
  }

  notes.unshift('Minified ES builds (Vite 8 / rolldown, es2022), gzip level 9; the self-contained bundle as `npm run build` makes it, which gives its files a second pass with terser (about 0.6 % smaller). "Own code" bundles the element\'s define module with everything it imports from `src/` (shared helpers, and the core for the provider); uPlot\'s CSS, inlined as text, counts with the chart. Reference rows are what a page would load for the same job with those libraries.');
  return { rows, notes };
}

function budget(text, value, test) {
  return { text, pass: typeof value === 'number' && Number.isFinite(value) ? test(value) : null };
}
