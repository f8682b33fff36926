// Runs after the manifest analyzer (`npm run analyze`): writes the typings that are not compiled
// from a source file.
// - `dist/react.d.ts` (`@clouddeploy/live-elements/react`): React 19 JSX typings for every tag,
//   made from custom-elements.json so they list exactly the documented API. React 19 sets a custom
//   element's props as properties when the element has one (else as attributes), and a prop named
//   `on` + an event name, case kept, adds a listener for that event: `onsse-error` listens for
//   `sse-error`. Names come from the manifest; types come from the classes' own declarations and
//   from `HTMLElementEventMap`, so they cannot drift from the code.
// - `dist/live-elements.bundle.d.ts`: the bundle exports what the root exports.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { posix } from 'node:path';

const root = new URL('../', import.meta.url);
const dist = new URL('dist/', root);
const manifest = JSON.parse(readFileSync(new URL('custom-elements.json', root), 'utf8'));

const doc = (text, indent = '  ') => {
  const clean = String(text ?? '').replace(/\*\//g, '*\\/').replace(/\s*\n\s*/g, ' ').trim();
  return clean ? `${indent}/** ${clean} */\n` : '';
};
const key = (name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`);

const elements = manifest.modules
  .flatMap((module) => (module.declarations ?? []).filter((d) => d.customElement && d.tagName).map((d) => ({ ...d, path: module.path })))
  .sort((a, b) => a.tagName.localeCompare(b.tagName));

const imports = [];
const interfaces = [];
const tags = [];
const events = new Map();

for (const element of elements) {
  const specifier = `./${posix.relative('dist', element.path)}`;
  imports.push(`import type { ${element.name} } from '${specifier}';`);
  const props = [];
  const fields = new Map((element.members ?? []).filter((m) => m.kind === 'field' && !m.static).map((m) => [m.name, m]));
  for (const field of fields.values()) {
    if (field.readonly) continue;
    props.push(`${doc(field.description)}  ${key(field.name)}?: ${element.name}['${field.name}'];`);
  }
  for (const attribute of element.attributes ?? []) {
    if (attribute.fieldName && attribute.name === attribute.fieldName) continue;
    const field = attribute.fieldName && fields.get(attribute.fieldName);
    const type = field && !field.readonly ? `${element.name}['${field.name}']` : 'string';
    props.push(`${doc(attribute.description ?? field?.description)}  ${key(attribute.name)}?: ${type};`);
  }
  for (const event of element.events ?? []) {
    if (!event.name) continue;
    events.set(event.name, event);
    props.push(`${doc(event.description)}  ${key(`on${event.name}`)}?: (event: EventOf<'${event.name}'>) => void;`);
  }
  const propsName = `${element.name}Props`;
  interfaces.push(`/** Props of \`<${element.tagName}>\`${element.summary ? `: ${element.summary.replace(/\*\//g, '')}` : ''} */\nexport interface ${propsName} {\n${props.join('\n')}\n}`);
  tags.push(`${doc(element.summary)}  '${element.tagName}': ElementProps<${element.name}, ${propsName}>;`);
}

const react = `// Generated from custom-elements.json by scripts/package-types.mjs (npm run analyze).
// React 19 JSX typings for the live elements. Load them once in the app's TypeScript:
//   import type {} from '@clouddeploy/live-elements/react';
import type { CSSProperties, DetailedHTMLProps, HTMLAttributes } from 'react';
${imports.join('\n')}

/** The event a listener gets for \`type\`: its entry in \`HTMLElementEventMap\`. */
type EventOf<K extends string> = K extends keyof HTMLElementEventMap ? HTMLElementEventMap[K] : Event;

/** Inline styles may set the elements' CSS custom properties (\`--logs-height\`, \`--le-*\`). */
export type LiveElementStyle = CSSProperties & { [property: \`--\${string}\`]: string | number | undefined };

/** A tag's own props, then React's props of any HTML element (\`ref\` typed with the element's class). */
export type ElementProps<E extends HTMLElement, Own> = Own &
  Omit<DetailedHTMLProps<HTMLAttributes<E>, E>, keyof Own | 'style'> & { style?: LiveElementStyle };

${interfaces.join('\n\n')}

/** Every tag of the package and its props. */
export interface LiveElementsIntrinsicElements {
${tags.join('\n')}
}

/** Every event the elements document, and what a listener receives. */
export interface LiveElementsEventMap {
${[...events.keys()].sort().map((name) => `  '${name}': EventOf<'${name}'>;`).join('\n')}
}

declare module 'react' {
  namespace JSX {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface IntrinsicElements extends LiveElementsIntrinsicElements {}
  }
}
`;

mkdirSync(dist, { recursive: true });
writeFileSync(new URL('react.d.ts', dist), react);
// Types only; the module exists so that a plain `import '@clouddeploy/live-elements/react'` resolves too.
writeFileSync(new URL('react.js', dist), 'export {};\n');
writeFileSync(new URL('live-elements.bundle.d.ts', dist), "export * from './index.js';\n");
console.log(`dist/react.d.ts: ${elements.length} tags, ${events.size} events`);
