/**
 * Assembles WebAssembly text (with SIMD) into a binary, and writes the TypeScript module that
 * carries it. Development only: the product loads the generated module, never this file.
 */
import fs from 'node:fs';
import wabt from 'wabt';

export async function assembleWat(watFile: string): Promise<Uint8Array> {
  const toolkit = await wabt();
  const module = toolkit.parseWat(watFile, fs.readFileSync(watFile, 'utf8'), { simd: true });
  try {
    module.validate();
    return new Uint8Array(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

/** The generated module's text: the binary as base64, with where it comes from. */
export function wasmModuleSource(watName: string, binary: Uint8Array): string {
  const base64 = Buffer.from(binary).toString('base64');
  const lines = base64.match(/.{1,100}/g) ?? [];
  return [
    `// Generated from ${watName} by \`npx tsx scripts/build-wasm.ts\`; do not edit.`,
    `// ${binary.length} bytes of WebAssembly.`,
    'export const WASM_BASE64 =',
    ...lines.map((l, i) => `  '${l}'${i === lines.length - 1 ? ';' : ' +'}`),
    '',
  ].join('\n');
}
