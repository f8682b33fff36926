// `npm run analyze` writes custom-elements.json for the package's users (Storybook, IDEs, the JSX
// typings): the public API of what is shipped, so paths name files in `dist/`, every tag has its
// definition, and nothing private leaks into docs tables.
import { posix } from 'node:path';

/** The analyzer reports source paths (`src/x/y.ts`, or `./y.js` relative to a module); users load `dist/x/y.js`. */
function shippedPath(reference, from) {
  if (typeof reference !== 'string') return reference;
  let path = reference.startsWith('.') ? posix.join(posix.dirname(from), reference) : reference.replace(/^\/+/, '');
  if (!path.startsWith('src/')) return reference;
  path = `dist/${path.slice('src/'.length)}`;
  return path.replace(/\.ts$/, '.js');
}

const sourcePath = (specifier, from) => posix.join(posix.dirname(from), specifier).replace(/\.js$/, '.ts');

const isHidden = (member) =>
  member.privacy === 'private' || member.privacy === 'protected' || /^[_#]/.test(member.name ?? '');

export function liveElementsManifest() {
  /** Per module: local name → source module of each relative import. */
  const imports = new Map();
  /** Per module and class: names the analyzer took from a variable given to `new CustomEvent(…)`. */
  const computedEvents = new Map();
  /** Per define module: the tags it registers through the shared `define(tag, Class)` helper. */
  const definitions = new Map();

  return {
    name: 'live-elements-manifest',
    analyzePhase({ ts, node, moduleDoc }) {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text.startsWith('.')) {
        const bindings = node.importClause?.namedBindings;
        if (bindings && ts.isNamedImports(bindings)) {
          const local = imports.get(moduleDoc.path) ?? new Map();
          for (const element of bindings.elements) local.set(element.name.text, sourcePath(node.moduleSpecifier.text, moduleDoc.path));
          imports.set(moduleDoc.path, local);
        }
      }
      // `define('tag', Class)` from shared/define.ts: the analyzer only knows `customElements.define`,
      // so it sees one definition, of a tag named `tag`, in the helper itself.
      if (
        ts.isCallExpression(node) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'define' &&
        node.arguments.length === 2 &&
        ts.isStringLiteral(node.arguments[0]) &&
        ts.isIdentifier(node.arguments[1])
      ) {
        const list = definitions.get(moduleDoc.path) ?? [];
        list.push({ tag: node.arguments[0].text, className: node.arguments[1].text });
        definitions.set(moduleDoc.path, list);
      }
      // `this.dispatchEvent(new CustomEvent(name, …))` with a variable name becomes an event named
      // after the variable; the real names are declared with `@fires`.
      if (ts.isNewExpression(node) && node.arguments?.length && !ts.isStringLiteralLike(node.arguments[0])) {
        const call = node.parent;
        const isDispatch =
          call && ts.isCallExpression(call) && ts.isPropertyAccessExpression(call.expression) && call.expression.name.text === 'dispatchEvent';
        let owner = node.parent;
        while (owner && !ts.isClassDeclaration(owner)) owner = owner.parent;
        if (isDispatch && owner?.name) {
          const key = `${moduleDoc.path}#${owner.name.text}`;
          const names = computedEvents.get(key) ?? new Set();
          names.add(node.arguments[0].getText());
          computedEvents.set(key, names);
        }
      }
    },
    moduleLinkPhase({ moduleDoc }) {
      for (const { tag, className } of definitions.get(moduleDoc.path) ?? []) {
        const module = imports.get(moduleDoc.path)?.get(className) ?? moduleDoc.path;
        moduleDoc.exports = [...(moduleDoc.exports ?? []), { kind: 'custom-element-definition', name: tag, declaration: { name: className, module } }];
      }
      for (const declaration of moduleDoc.declarations ?? []) {
        if (declaration.kind !== 'class') continue;
        const computed = computedEvents.get(`${moduleDoc.path}#${declaration.name}`) ?? new Set();
        if (declaration.events) {
          declaration.events = declaration.events.filter((event) => event.name && !(computed.has(event.name) && !event.description));
        }
      }
    },
    packageLinkPhase({ customElementsManifest: manifest }) {
      const classes = new Set();
      for (const module of manifest.modules) {
        for (const declaration of module.declarations ?? []) if (declaration.kind === 'class') classes.add(`${module.path}#${declaration.name}`);
      }
      for (const module of manifest.modules) {
        const from = module.path;
        const local = imports.get(from);
        // `export { X }` of an imported X: the analyzer names the re-exporting module as X's home.
        for (const entry of module.exports ?? []) {
          const declaration = entry.declaration;
          if (declaration?.module === from && !module.declarations?.some((d) => d.name === declaration.name) && local?.has(declaration.name)) {
            declaration.module = local.get(declaration.name);
          }
        }
        // A definition must name a class the manifest documents (the helper's own `customElements.define(tag, constructor)` does not).
        module.exports = module.exports?.filter(
          (entry) => entry.kind !== 'custom-element-definition' || classes.has(`${entry.declaration?.module}#${entry.declaration?.name}`),
        );
        for (const declaration of module.declarations ?? []) {
          if (declaration.members) {
            const hidden = new Set(declaration.members.filter(isHidden).map((member) => member.name));
            declaration.members = declaration.members.filter((member) => !hidden.has(member.name));
            // The analyzer gives Lit's internal reactive state an attribute; it is not part of the API.
            if (declaration.attributes) declaration.attributes = declaration.attributes.filter((a) => !a.fieldName || !hidden.has(a.fieldName));
          }
        }
        rewriteModules(module, from);
        module.path = shippedPath(module.path, from);
      }
      // Path order, so the committed file does not depend on the order a checkout lists its files in.
      manifest.modules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
  };
}

/** Every `module` reference (exports, superclasses, inherited members) named as a shipped file. */
function rewriteModules(value, from) {
  if (Array.isArray(value)) {
    for (const item of value) rewriteModules(item, from);
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'module' && typeof child === 'string') value.module = shippedPath(child, from);
      else rewriteModules(child, from);
    }
  }
}

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/mock/**', 'src/core/**', 'src/server/**', 'src/testing/**', 'src/**/*.test.ts'],
  litelement: true,
  plugins: [liveElementsManifest()],
};
