import { expect, it } from 'vitest';
import { federationWorkQueued, onFederationWork } from './wake.ts';

it('wakes the listeners of the same database only, until they unsubscribe', () => {
  const a = {};
  const b = {};
  const woken: string[] = [];
  const stopA = onFederationWork(a, () => woken.push('a'));
  onFederationWork(b, () => woken.push('b'));
  federationWorkQueued(a);
  expect(woken).toEqual(['a']);
  stopA();
  federationWorkQueued(a);
  federationWorkQueued(b);
  expect(woken).toEqual(['a', 'b']);
});
