// Loads the rendered Kustomize overlays for the tests. check.sh renders each overlay under
// k8s/overlays/ into FACTORYTWIN_K8S_RENDERED/<overlay>.yaml; without that variable (a plain
// 'npm test'), each overlay is rendered here with 'kubectl kustomize'.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const testsDir = path.dirname(fileURLToPath(import.meta.url));
export const repositoryRoot = path.resolve(testsDir, '..', '..');
const overlaysDir = path.join(repositoryRoot, 'k8s', 'overlays');

/** Lists the overlay names: every folder of k8s/overlays/ with a kustomization.yaml. */
export function overlayNames() {
  return fs
    .readdirSync(overlaysDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .filter((entry) => fs.existsSync(path.join(overlaysDir, entry.name, 'kustomization.yaml')))
    .map((entry) => entry.name)
    .sort();
}

/** Parses a multi-document YAML text into objects, dropping empty documents. */
export function parseObjects(text, source) {
  const objects = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) {
      throw new Error(`${source}: invalid YAML: ${document.errors[0].message}`);
    }
    const object = document.toJS();
    if (object != null) {
      objects.push(object);
    }
  }
  return objects;
}

/** Returns the objects of one rendered overlay. */
export function loadOverlay(name) {
  const renderedDir = process.env.FACTORYTWIN_K8S_RENDERED;
  if (renderedDir) {
    const file = path.join(renderedDir, `${name}.yaml`);
    return parseObjects(fs.readFileSync(file, 'utf8'), file);
  }
  const overlay = path.join(overlaysDir, name);
  const text = execFileSync(process.env.KUBECTL ?? 'kubectl', ['kustomize', overlay], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return parseObjects(text, overlay);
}

/** Names an object the way kubectl does, such as Deployment/twin-service. */
export function objectName(object) {
  return `${object.kind}/${object.metadata?.name ?? '(no name)'}`;
}

/** Returns true when a label selector (matchLabels and matchExpressions) selects the labels. */
export function selectorMatches(selector, labels) {
  if (selector == null) {
    return false;
  }
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) {
      return false;
    }
  }
  for (const expression of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, expression.key);
    const values = expression.values ?? [];
    const matched = {
      In: has && values.includes(labels[expression.key]),
      NotIn: !has || !values.includes(labels[expression.key]),
      Exists: has,
      DoesNotExist: !has,
    }[expression.operator];
    if (!matched) {
      return false;
    }
  }
  return true;
}
