// Finds fields that a Kubernetes object's type does not define, such as a misspelt 'lifecycle'.
// The OpenAPI schemas accept unknown fields. kubectl 1.32 rejects them at apply time (its
// --validate defaults to strict), but only against a live API server, which CI does not have.
//
// The field lists come from the TypeScript declarations (.d.ts) that the kubernetes-models
// packages generate from the same schemas: each model class declares one property per line.
// Where a property's type is not a model class (a quantity, an int-or-string, a free-form
// object), the check stops descending and accepts what is there.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const nodeModules = path.join(path.dirname(fileURLToPath(import.meta.url)), 'node_modules');
const declarationCache = new Map();

function resolveImport(specifier, fromFile) {
  const withoutExtension = specifier.replace(/\.js$/, '');
  const base = specifier.startsWith('.')
    ? path.resolve(path.dirname(fromFile), withoutExtension)
    : path.join(nodeModules, withoutExtension);
  return `${base}.d.ts`;
}

/**
 * Parses a model declaration file into its class's properties (name to type text) and the files
 * of the types it imports. Returns null for a file without a model class (a type alias).
 */
function readDeclaration(file) {
  if (declarationCache.has(file)) {
    return declarationCache.get(file);
  }
  let declaration = null;
  if (fs.existsSync(file)) {
    const text = fs.readFileSync(file, 'utf8');
    const classBody = /export declare class \w+ extends Model<[^>]+>[^{]*\{([\s\S]*?)\n\s*constructor\(/.exec(text);
    if (classBody) {
      const imports = new Map();
      for (const match of text.matchAll(/import \{([^}]+)\} from "([^"]+)";/g)) {
        for (const name of match[1].split(',').map((part) => part.trim()).filter(Boolean)) {
          imports.set(name, resolveImport(match[2], file));
        }
      }
      const properties = new Map();
      // A property is '"name"?: Type;', and map types span lines: '{\n [key: string]: T;\n };'.
      for (const match of classBody[1].matchAll(/^\s*"([^"]+)"\??: ([^;{]+;|\{[\s\S]*?\};)/gm)) {
        properties.set(match[1], match[2].replace(/;$/, '').trim());
      }
      declaration = { properties, imports };
    }
  }
  declarationCache.set(file, declaration);
  return declaration;
}

function isPlainObject(value) {
  return value != null && typeof value === 'object' && !Array.isArray(value);
}

function checkValue(value, type, declaration, where, problems) {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value)) {
      value.forEach((item, index) => checkValue(item, array[1], declaration, `${where}/${index}`, problems));
    }
    return;
  }
  const map = /^\{\s*\[key: string\]: ([^;]+);\s*\}$/.exec(type);
  if (map) {
    if (isPlainObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        checkValue(item, map[1].trim(), declaration, `${where}/${key}`, problems);
      }
    }
    return;
  }
  const file = declaration.imports.get(type);
  if (file && isPlainObject(value)) {
    checkObject(value, file, where, problems);
  }
}

function checkObject(object, file, where, problems) {
  const declaration = readDeclaration(file);
  if (declaration == null) {
    return;
  }
  for (const [key, value] of Object.entries(object)) {
    const type = declaration.properties.get(key);
    if (type == null) {
      problems.push(`${where}/${key} is not a field of ${path.basename(file, '.d.ts')}`);
    } else {
      checkValue(value, type, declaration, `${where}/${key}`, problems);
    }
  }
}

/**
 * Returns the unknown fields of an object whose model lives in `modelDirectory` (the folder of
 * a package's group-version, such as node_modules/kubernetes-models/apps/v1). Returns null when
 * the package has no declaration for the kind.
 */
export function unknownFields(object, modelDirectory) {
  const file = path.join(modelDirectory, `${object.kind}.d.ts`);
  if (readDeclaration(file) == null) {
    return null;
  }
  const problems = [];
  checkObject(object, file, '', problems);
  return problems;
}

/** Returns the folder of a model module path such as 'kubernetes-models/apps/v1'. */
export function modelDirectoryOf(modulePath) {
  return path.join(nodeModules, modulePath);
}
