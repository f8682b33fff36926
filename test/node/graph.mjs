// Reads the module specifiers of built ES modules, for the package tests. Rolldown's output writes
// every import as `from "x"`, `import "x"` or `import("x")`, so a pattern is enough here.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g;

/** The specifiers a module imports; examples in its doc comments are not imports. */
export function specifiers(file) {
  const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  return [...code.matchAll(SPECIFIER)].map((match) => match[1]);
}

export const isRelative = (specifier) => specifier.startsWith('./') || specifier.startsWith('../');

/** Every module reachable from `entry` (static and dynamic imports), and the bare specifiers met on the way. */
export function importGraph(entry) {
  const files = new Set();
  const bare = new Set();
  const visit = (file) => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of specifiers(file)) {
      if (isRelative(specifier)) visit(resolve(dirname(file), specifier));
      else bare.add(specifier);
    }
  };
  visit(resolve(entry));
  return { files, bare };
}
