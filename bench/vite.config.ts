import { defineConfig, type Plugin } from 'vite';
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The benchmark pages: every `pages/*.html` is an entry. Built in production mode (Lit's production
 * build, minified), as a hosting panel would ship it, into `bench/out/` (gitignored).
 */
const root = import.meta.dirname;
const pages = resolve(root, 'pages');
const src = resolve(root, '../src');

/**
 * `virtual:bench-elements`: a loader per element folder that has a define module, so the pages pick
 * up elements as they land. `BENCH_EXCLUDE` (comma-separated tags) leaves out folders that do not
 * build yet; the runner sets it when the build names one.
 */
function benchElements(): Plugin {
  const id = 'virtual:bench-elements';
  const excluded = new Set((process.env.BENCH_EXCLUDE ?? '').split(',').filter(Boolean));
  return {
    name: 'bench-elements',
    resolveId: (source) => (source === id ? `\0${id}` : undefined),
    load(loaded) {
      if (loaded !== `\0${id}`) return undefined;
      const tags = readdirSync(src).filter((name) => name !== 'shared' && !excluded.has(name) && existsSync(resolve(src, name, 'define.ts')));
      const lines = tags.map((tag) => `  ${JSON.stringify(tag)}: () => import(${JSON.stringify(resolve(src, tag, 'define.ts'))}),`);
      return `export default {\n${lines.join('\n')}\n};\n`;
    },
  };
}

/**
 * The package's `sideEffects` names only `dist/` files, so a bundler reading it treats every module
 * under `src/` as pure and drops the side-effect-only imports: the define modules' registrations and
 * the `*.messages.ts` string tables. The bench imports `src/` directly: keep them.
 */
function keepRegistrations(): Plugin {
  return {
    name: 'bench-keep-registrations',
    enforce: 'post',
    transform(code, id) {
      if (/[\\/]src[\\/].*\.ts$/.test(id)) return { code, map: null, moduleSideEffects: true };
      return undefined;
    },
  };
}

export default defineConfig({
  root,
  base: './',
  logLevel: 'warn',
  publicDir: false,
  plugins: [benchElements(), keepRegistrations()],
  build: {
    // BENCH_OUT builds elsewhere, so two runs at once do not overwrite each other's pages.
    outDir: process.env.BENCH_OUT ? resolve(process.env.BENCH_OUT) : resolve(root, 'out'),
    emptyOutDir: true,
    target: 'es2022',
    // BENCH_MINIFY=0 keeps names readable for `bench/profile.mjs`.
    minify: process.env.BENCH_MINIFY !== '0',
    sourcemap: false,
    modulePreload: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      input: Object.fromEntries(
        readdirSync(pages)
          .filter((name) => name.endsWith('.html'))
          // BENCH_PAGES (comma-separated names) builds only those pages.
          .filter((name) => !process.env.BENCH_PAGES || process.env.BENCH_PAGES.split(',').includes(name.replace(/\.html$/, '')))
          .map((name) => [name.replace(/\.html$/, ''), resolve(pages, name)]),
      ),
    },
  },
});
