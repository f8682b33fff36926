import { defineConfig, type Plugin } from 'vite';
import { minify } from 'terser';
// @ts-expect-error: a plain JS build script, shared with the benchmark's size builds.
import { minifyCssTemplates } from './scripts/minify-css-templates.mjs';
// @ts-expect-error: a plain JS build script, shared with the benchmark's size builds.
import { minifyHtmlTemplates } from './scripts/minify-html-templates.mjs';
// @ts-expect-error: a plain JS build script, shared with the benchmark's size builds.
import { trimUplotStyles } from './scripts/trim-uplot-css.mjs';
import { readdirSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Two builds:
 * - `vite build` — the npm package: ESM per module under `dist/`, with `lit`, `@lit/context` and
 *   `uplot` left to the host's bundler.
 * - `vite build --mode bundle` — `dist/live-elements.bundle.js`, self-contained (Lit and uPlot
 *   inside) for a page with no bundler; the mock backend stays a lazily loaded file beside it.
 */
const root = import.meta.dirname;
const src = resolve(root, 'src');

/** Every element folder (`src/<tag>/<tag>.ts` with a `define.ts`) gives two entries: define and class. */
function elementEntries(): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const name of readdirSync(src)) {
    const define = resolve(src, name, 'define.ts');
    const element = resolve(src, name, `${name}.ts`);
    if (!existsSync(define) || !existsSync(element)) continue;
    entries[`${name}/define`] = define;
    entries[`${name}/${name}`] = element;
  }
  return entries;
}

/**
 * Modules from dependencies that the build inlines (uPlot's CSS, as a string) would keep their
 * `node_modules/…` path, and npm never packs a folder of that name: they go under `vendor/`.
 */
function shippedName({ name }: { name: string }): string {
  const vendored = name.lastIndexOf('node_modules/');
  if (vendored === -1) return '[name].js';
  return `vendor/${name.slice(vendored + 'node_modules/'.length).replace(/[?_]inline$/, '')}.js`;
}

/**
 * A second pass over the minified bundle and its lazy files with terser, which finds what the
 * first missed (about 0.6 % of the gzipped bundle).
 */
function minifyAgain(): Plugin {
  return {
    name: 'minify-again',
    async generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const result = await minify(chunk.code, { module: true, ecma: 2020, compress: { passes: 2 } });
        if (result.code !== undefined) chunk.code = result.code;
      }
    },
  };
}

export default defineConfig(({ mode }) => {
  if (mode === 'bundle') {
    return {
      plugins: [minifyCssTemplates(src), minifyHtmlTemplates(src), trimUplotStyles(), minifyAgain()],
      build: {
        outDir: 'dist',
        emptyOutDir: false,
        target: 'es2022',
        minify: true,
        lib: { entry: resolve(src, 'index.ts'), formats: ['es'], fileName: () => 'live-elements.bundle.js' },
        rolldownOptions: {
          // The lazily loaded files (mock, fetch transport, tab sharing) import what they share with
          // the bundle from the bundle itself, rather than from a third file it would have to load first.
          preserveEntrySignatures: 'allow-extension',
          // A page loads this file as it is: the tree-shaking hints are of no use to it.
          output: { chunkFileNames: 'live-elements.[name].js', minify: true, comments: { annotation: false } },
        },
      },
    };
  }
  return {
    plugins: [minifyCssTemplates(src), minifyHtmlTemplates(src), trimUplotStyles()],
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      lib: {
        entry: {
          index: resolve(src, 'index.ts'),
          'core/index': resolve(src, 'core/index.ts'),
          'mock/index': resolve(src, 'mock/index.ts'),
          'server/index': resolve(src, 'server/index.ts'),
          'server/redis': resolve(src, 'server/redis.ts'),
          'testing/index': resolve(src, 'testing/index.ts'),
          // `@clouddeploy/live-elements/messages/es`, which nothing imports: the elements load the
          // Spanish strings lazily.
          'shared/es.messages': resolve(src, 'shared/es.messages.ts'),
          ...elementEntries(),
        },
        formats: ['es'],
      },
      rolldownOptions: {
        external: [/^lit($|\/)/, /^@lit\//, /^uplot$/, /^node:/, /^redis$/, /^standardwebhooks$/],
        output: { preserveModules: true, preserveModulesRoot: 'src', entryFileNames: shippedName },
      },
    },
  };
});
