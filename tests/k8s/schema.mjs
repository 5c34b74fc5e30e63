// Validates Kubernetes objects against the OpenAPI schemas that the kubernetes-models packages
// ship: the built-in API groups from 'kubernetes-models', and CloudNativePG objects from
// '@kubernetes-models/cloudnative-pg', which is generated from that operator's CRD schemas.
// Those schemas accept unknown fields, so unknown-fields.mjs then rejects every field that the
// object's type does not define.

import { modelDirectoryOf, unknownFields } from './unknown-fields.mjs';

/** Model packages of custom resource groups; any other group with a dot is a custom resource. */
const CUSTOM_RESOURCE_PACKAGES = {
  'postgresql.cnpg.io': '@kubernetes-models/cloudnative-pg',
};

/**
 * Custom resource groups that are deliberately left unvalidated, each with its reason. An object
 * of any other group without a schema package fails validation.
 */
export const NOT_VALIDATED_GROUPS = {};

function groupOf(apiVersion) {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** Returns true for the API groups that Kubernetes itself serves (core, apps, *.k8s.io). */
function isBuiltInGroup(group) {
  return group === '' || !group.includes('.') || group.endsWith('.k8s.io');
}

function modulePathFor(apiVersion) {
  const group = groupOf(apiVersion);
  if (isBuiltInGroup(group)) {
    return `kubernetes-models/${apiVersion}`;
  }
  const modelPackage = CUSTOM_RESOURCE_PACKAGES[group];
  return modelPackage ? `${modelPackage}/${apiVersion}` : null;
}

/**
 * Validates one object. Returns { status: 'valid' }, { status: 'invalid', errors: [...] } or
 * { status: 'not-validated', reason }.
 */
export async function validateObject(object) {
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return { status: 'invalid', errors: ['apiVersion and kind must be strings'] };
  }
  const group = groupOf(apiVersion);
  if (NOT_VALIDATED_GROUPS[group]) {
    return { status: 'not-validated', reason: NOT_VALIDATED_GROUPS[group] };
  }
  const modulePath = modulePathFor(apiVersion);
  if (modulePath == null) {
    return { status: 'invalid', errors: [`no schema package is configured for API group ${group}`] };
  }

  let models;
  try {
    models = await import(modulePath);
  } catch (error) {
    return { status: 'invalid', errors: [`no schema for ${apiVersion}: ${error.message}`] };
  }
  const Model = models[kind];
  if (typeof Model !== 'function') {
    return { status: 'invalid', errors: [`${apiVersion} has no kind ${kind}`] };
  }

  try {
    new Model(object).validate();
  } catch (error) {
    // Ajv's ValidationError lists each failed rule in 'errors'.
    const details = Array.isArray(error.errors) ? error.errors : [];
    const errors = details.length
      ? details.map((detail) => `${detail.instancePath || '/'} ${detail.message}`)
      : [error.message];
    return { status: 'invalid', errors };
  }

  const unknown = unknownFields(object, modelDirectoryOf(modulePath));
  if (unknown == null) {
    return { status: 'invalid', errors: [`no type declaration for ${apiVersion} ${kind}, so unknown fields cannot be checked`] };
  }
  if (unknown.length > 0) {
    return { status: 'invalid', errors: unknown };
  }
  return { status: 'valid' };
}

/** Returns true when the object's API group is served by an operator, not by Kubernetes. */
export function isCustomResource(object) {
  return !isBuiltInGroup(groupOf(object.apiVersion ?? ''));
}
