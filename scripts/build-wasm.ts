/** Rebuilds the WebAssembly the product carries from its text source: `npx tsx scripts/build-wasm.ts`. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleWat, wasmModuleSource } from '../src/lib/wasm/assemble.ts';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/lib/edifact');
const binary = await assembleWat(path.join(dir, 'scan.wat'));
fs.writeFileSync(path.join(dir, 'scan.wasm.ts'), wasmModuleSource('scan.wat', binary));
console.log(`src/lib/edifact/scan.wasm.ts: ${binary.length} bytes`);
