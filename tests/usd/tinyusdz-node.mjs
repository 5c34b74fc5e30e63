// Loads the TinyUSDZ WebAssembly build from the `tinyusdz` npm package into Node.js.
//
// The package is built for browsers only: its Emscripten glue aborts when it detects Node.js
// ("node environment detected but not enabled at build time"). The glue treats a process whose
// `process.type` is "renderer" (an Electron renderer) as not Node.js, and a global `window` as a
// browser, so both are set while the module starts. The .wasm file is read from disk and handed
// over as `wasmBinary`, because the browser path would fetch it over HTTP.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

let native;

/** Starts the TinyUSDZ module once and returns it. */
async function tinyusdz() {
  if (native) {
    return native;
  }
  const glue = require.resolve('tinyusdz');
  const wasmBinary = await readFile(join(dirname(glue), 'tinyusdz.wasm'));
  const hadWindow = 'window' in globalThis;
  const previousType = process.type;
  globalThis.window = globalThis;
  process.type = 'renderer';
  try {
    const { default: init } = await import(pathToFileURL(glue).href);
    native = await init({ wasmBinary, print: () => {}, printErr: () => {} });
  } finally {
    if (!hadWindow) {
      delete globalThis.window;
    }
    process.type = previousType;
  }
  return native;
}

/**
 * Parses USD text as one layer, without composition, and returns TinyUSDZ's re-serialization of
 * it. Throws an Error with TinyUSDZ's message when the text does not parse.
 *
 * @param {Uint8Array} bytes the layer file's content
 * @param {string} name the file name, used in TinyUSDZ's messages and to pick the format
 */
export async function parseLayer(bytes, name) {
  const module = await tinyusdz();
  const loader = new module.TinyUSDZLoaderNative();
  if (!loader.loadAsLayerFromBinary(bytes, name)) {
    throw new Error(`TinyUSDZ cannot parse ${name}: ${loader.error()}`);
  }
  return loader.layerToString();
}
