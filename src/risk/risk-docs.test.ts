/** The documentation names every feature and every profile variable, so neither drifts from the code. */
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { type CelObjectDecl, PROFILE_VARIABLES } from './cel-variables.ts';
import { FEATURES } from './features.ts';

const read = (file: string) => fs.readFileSync(new URL(`../../docs/${file}`, import.meta.url), 'utf8');

function leaves(decl: CelObjectDecl, prefix = ''): string[] {
  return Object.entries(decl).flatMap(([k, t]) =>
    typeof t === 'string' ? [`${prefix}${k}`] : leaves(t, `${prefix}${k}.`),
  );
}

it('documents every feature in docs/features.md', () => {
  const doc = read('features.md');
  expect(FEATURES.map((f) => f.name).filter((name) => !doc.includes(`\`${name}\``))).toEqual([]);
});

it('documents every profile variable in docs/risk-profiles.md', () => {
  const doc = read('risk-profiles.md');
  const parties = new Set(['shipper', 'consignee', 'notifyParty', 'forwarder']);
  const missing = leaves(PROFILE_VARIABLES).filter((path) => {
    const [root, field] = path.split('.');
    // Party fields are documented once for all four parties.
    if (root && field && parties.has(root))
      return !doc.includes(`\`${root}\``) || !doc.includes(`\`${field}\``);
    return !doc.includes(`\`${path}\``);
  });
  expect(missing).toEqual([]);
});
