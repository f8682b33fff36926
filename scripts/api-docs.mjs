// Runs after the manifest analyzer (`npm run analyze`): writes docs/API.md from custom-elements.json,
// one section per element with its attributes, properties, methods, events, slots, CSS states,
// CSS parts and CSS custom properties. The manifest lists public members only (custom-elements-manifest.config.mjs).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../custom-elements.json', import.meta.url), 'utf8'));
const cell = (text) => String(text ?? '').replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ').trim();
const code = (text) => (text ? `\`${String(text).replace(/\s*\n\s*/g, " ")}\`` : "");

function table(headers, rows) {
  if (rows.length === 0) return '';
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`), ''].join('\n');
}

const elements = manifest.modules
  .flatMap((module) => (module.declarations ?? []).filter((d) => d.customElement && d.tagName).map((d) => ({ ...d, path: module.path })))
  .sort((a, b) => a.tagName.localeCompare(b.tagName));

const out = ['# API reference', '', 'Generated from `custom-elements.json` by `npm run analyze`. Every element registers from', '`@clouddeploy/live-elements` (all) or `@clouddeploy/live-elements/<tag>` (one); its class is exported from', '`@clouddeploy/live-elements/<tag>/class`.', ''];
out.push(elements.map((e) => `- [\`<${e.tagName}>\`](#${e.tagName})`).join('\n'), '');

for (const element of elements) {
  out.push(`## \`<${element.tagName}>\``, '', `<a id="${element.tagName}"></a>`, '');
  if (element.summary) out.push(`**${cell(element.summary)}**`, '');
  if (element.description) out.push(element.description.trim(), '');
  const members = (element.members ?? []).filter((m) => !m.static);
  const attributes = element.attributes ?? [];
  const attributeFields = new Set(attributes.map((a) => a.fieldName));
  out.push('### Attributes', '');
  out.push(table(['attribute', 'property', 'type', 'default', ''], attributes.map((a) => [code(a.name), code(a.fieldName), code(a.type?.text), code(a.default), a.description])) || 'None.\n');
  const properties = members.filter((m) => m.kind === 'field' && !attributeFields.has(m.name));
  if (properties.length) out.push('### Properties', '', table(['property', 'type', '', ''], properties.map((p) => [code(p.name), code(p.type?.text), p.readonly ? 'read-only' : '', p.description])));
  const methods = members.filter((m) => m.kind === 'method');
  if (methods.length) {
    out.push('### Methods', '', table(['method', ''], methods.map((m) => [code(`${m.name}(${(m.parameters ?? []).map((p) => p.name).join(', ')})`), m.description])));
  }
  const events = (element.events ?? []).filter((e) => e.description);
  if (events.length) out.push('### Events', '', table(['event', 'detail', ''], events.map((e) => [code(e.name), code(e.type?.text), e.description])));
  if (element.slots?.length) out.push('### Slots', '', table(['slot', ''], element.slots.map((s) => [s.name ? code(s.name) : '(default)', s.description])));
  if (element.cssStates?.length) out.push('### CSS states', '', table(['state', ''], element.cssStates.map((s) => [code(`:state(${s.name})`), s.description])));
  if (element.cssParts?.length) out.push('### CSS parts', '', table(['part', ''], element.cssParts.map((p) => [code(p.name), p.description])));
  if (element.cssProperties?.length) {
    out.push('### CSS custom properties', '', table(['property', 'default', ''], element.cssProperties.map((p) => [code(p.name), code(p.default), p.description])));
  }
}

mkdirSync(new URL('../docs/', import.meta.url), { recursive: true });
writeFileSync(new URL('../docs/API.md', import.meta.url), `${out.join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`);
console.log(`docs/API.md: ${elements.length} elements`);
