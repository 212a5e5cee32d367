#!/usr/bin/env node
// Entry point for `npx tandem`: loads the TypeScript sources through tsx, so no build step is
// needed between `npm ci` and the first run.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
