#!/usr/bin/env node
// Checks an OpenUSD stage with a parser that shares no code with the exporter: TinyUSDZ, built
// to WebAssembly. It parses the file, then checks TinyUSDZ's re-serialization of the layer: the
// stage has prims, every relationship target names a prim of the stage, and, given an
// expectations file, the prim count and the listed attribute values and relationships.
//
// Usage: node check-stage.mjs STAGE.usda [EXPECTATIONS.json]
// Exit status 0 when every check passes, 1 when one fails, 2 on wrong usage.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { outline, parseValue } from './layer-outline.mjs';
import { parseLayer } from './tinyusdz-node.mjs';

/**
 * Checks one stage. Returns the failures, an empty list when it passes, and the prims read.
 *
 * @param {string} stageFile path of the .usda file
 * @param {object} [expected] {primCount, attributes: {path: {name: value}},
 *   relationships: {path: {name: targetCount}}}
 */
export async function checkStage(stageFile, expected = {}) {
  const bytes = await readFile(stageFile);
  let text;
  try {
    text = await parseLayer(new Uint8Array(bytes), basename(stageFile));
  } catch (error) {
    return { failures: [error.message], prims: new Map() };
  }
  const prims = outline(text);
  const failures = [];

  if (prims.size === 0) {
    failures.push('the stage has no prims');
  }
  if (expected.primCount !== undefined && prims.size !== expected.primCount) {
    failures.push(`expected ${expected.primCount} prims, found ${prims.size}`);
  }

  for (const [path, prim] of prims) {
    const targets = [...prim.relationships.values()].flat().concat(prim.variantRelationships);
    for (const target of targets) {
      const targetPrim = target.split('.')[0];
      if (!prims.has(targetPrim)) {
        failures.push(`${path}: relationship target <${target}> names no prim of the stage`);
      }
    }
  }

  for (const [path, attributes] of Object.entries(expected.attributes ?? {})) {
    const prim = prims.get(path);
    if (!prim) {
      failures.push(`expected prim ${path} is missing`);
      continue;
    }
    for (const [name, value] of Object.entries(attributes)) {
      if (!prim.attributes.has(name)) {
        failures.push(`${path}: attribute ${name} is missing`);
      } else if (!isDeepStrictEqual(parseValue(prim.attributes.get(name)), value)) {
        failures.push(
          `${path}: ${name} is ${prim.attributes.get(name)}, expected ${JSON.stringify(value)}`,
        );
      }
    }
  }

  for (const [path, relationships] of Object.entries(expected.relationships ?? {})) {
    const prim = prims.get(path);
    for (const [name, count] of Object.entries(relationships)) {
      const targets = prim?.relationships.get(name);
      if (!targets) {
        failures.push(`${path}: relationship ${name} is missing`);
      } else if (targets.length !== count) {
        failures.push(`${path}: ${name} has ${targets.length} targets, expected ${count}`);
      }
    }
  }
  return { failures, prims };
}

async function main(args) {
  if (args.length < 1 || args.length > 2) {
    console.error('usage: node check-stage.mjs STAGE.usda [EXPECTATIONS.json]');
    return 2;
  }
  const expected = args[1] ? JSON.parse(await readFile(args[1], 'utf8')) : {};
  const { failures, prims } = await checkStage(args[0], expected);
  if (failures.length > 0) {
    console.error(`FAIL ${args[0]}`);
    for (const failure of failures) {
      console.error(`  ${failure}`);
    }
    return 1;
  }
  let targets = 0;
  for (const prim of prims.values()) {
    targets += [...prim.relationships.values()].flat().length + prim.variantRelationships.length;
  }
  console.log(`ok ${args[0]}: ${prims.size} prims, ${targets} relationship targets all resolve`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
