// custom-elements.json is what IDEs, Storybook and the JSX typings read: it must describe the
// shipped files and the public API only (custom-elements-manifest.config.mjs shapes it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'custom-elements.json'), 'utf8'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const elements = manifest.modules.flatMap((module) =>
  (module.declarations ?? []).filter((d) => d.customElement && d.tagName).map((declaration) => ({ declaration, module })),
);

/** Every `module` named anywhere in the manifest (exports, superclasses, inherited members). */
function references(value, found = []) {
  if (Array.isArray(value)) for (const item of value) references(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'module' && typeof child === 'string') found.push(child);
      else references(child, found);
    }
  }
  return found;
}

test('every module path and reference is a built file in dist/', () => {
  assert.ok(elements.length >= 8, 'the manifest documents the elements');
  const paths = [...manifest.modules.map((module) => module.path), ...references(manifest.modules)];
  const wrong = [...new Set(paths)].filter((path) => !/^dist\/.+\.js$/.test(path) || !existsSync(join(root, path)));
  assert.deepEqual(wrong, []);
});

test('every tag has its definition in the module its package entry loads', () => {
  for (const { declaration, module } of elements) {
    const entry = pkg.exports[`./${declaration.tagName}`]?.default?.replace(/^\.\//, '');
    const definer = manifest.modules.find((m) => m.path === entry);
    const definition = definer?.exports?.find((e) => e.kind === 'custom-element-definition' && e.name === declaration.tagName);
    assert.deepEqual(definition?.declaration, { name: declaration.name, module: module.path }, `<${declaration.tagName}> in ${entry}`);
  }
  const definitions = manifest.modules.flatMap((m) => (m.exports ?? []).filter((e) => e.kind === 'custom-element-definition'));
  assert.deepEqual(definitions.map((d) => d.name).sort(), elements.map((e) => e.declaration.tagName).sort(), 'one definition per tag, no other');
});

test('no private, protected or internal member is listed', () => {
  const leaked = [];
  for (const module of manifest.modules) {
    for (const declaration of module.declarations ?? []) {
      const names = new Set((declaration.members ?? []).map((member) => member.name));
      for (const member of declaration.members ?? []) {
        if (member.privacy === 'private' || member.privacy === 'protected' || /^[_#]/.test(member.name)) leaked.push(`${declaration.name}.${member.name}`);
      }
      for (const attribute of declaration.attributes ?? []) {
        if (attribute.fieldName && !names.has(attribute.fieldName)) leaked.push(`${declaration.name} [${attribute.name}] → ${attribute.fieldName}`);
      }
    }
  }
  assert.deepEqual(leaked, []);
});

test('every event is a documented, kebab-case name', () => {
  for (const { declaration } of elements) {
    for (const event of declaration.events ?? []) {
      assert.match(event.name ?? '', /^[a-z]+(-[a-z]+)*$/, `${declaration.tagName}: ${JSON.stringify(event)}`);
      assert.ok(event.description, `${declaration.tagName}: "${event.name}" has no @fires description`);
    }
  }
  const provider = elements.find((e) => e.declaration.tagName === 'sse-provider')?.declaration;
  assert.ok(provider?.events?.some((event) => event.name === 'sse-error'), 'the provider documents its events');
  assert.ok(!provider.events.some((event) => event.name === 'name'));
});
