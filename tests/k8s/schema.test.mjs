// Schema validation of every rendered object, and proof that the validator rejects a broken one.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadOverlay, objectName, overlayNames } from './manifests.mjs';
import { isCustomResource, validateObject } from './schema.mjs';

for (const overlay of overlayNames()) {
  test(`${overlay}: every object matches its schema`, async (t) => {
    const objects = loadOverlay(overlay);
    const invalid = [];
    const notValidated = [];
    let valid = 0;
    let customValid = 0;
    for (const object of objects) {
      const result = await validateObject(object);
      if (result.status === 'valid') {
        valid += 1;
        customValid += isCustomResource(object) ? 1 : 0;
      } else if (result.status === 'not-validated') {
        notValidated.push(`${objectName(object)}: not validated: ${result.reason}`);
      } else {
        invalid.push(`${objectName(object)}: ${result.errors.join('; ')}`);
      }
    }

    t.diagnostic(
      `${overlay}: ${valid} of ${objects.length} objects valid, ${customValid} of them` +
        ' CloudNativePG objects checked against the operator CRD schema');
    for (const line of notValidated) {
      t.diagnostic(line);
    }
    assert.ok(objects.length > 0, `${overlay} rendered no objects`);
    assert.deepEqual(invalid, []);
  });
}

test('schema rejects a mistyped Deployment', async () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'broken' },
    spec: {
      replicas: 'two',
      selector: { matchLabels: { app: 'broken' } },
      template: { metadata: { labels: { app: 'broken' } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } },
    },
  };

  const result = await validateObject(deployment);

  assert.equal(result.status, 'invalid');
  assert.match(result.errors.join('\n'), /\/spec\/replicas must be integer/);
});

test('schema rejects a Deployment without containers', async () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'broken' },
    spec: { selector: { matchLabels: { app: 'broken' } }, template: { spec: {} } },
  };

  const result = await validateObject(deployment);

  assert.equal(result.status, 'invalid');
  assert.match(result.errors.join('\n'), /\/spec\/template\/spec must have required property containers/);
});

test('schema rejects a mistyped CloudNativePG Cluster', async () => {
  const cluster = {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name: 'broken' },
    spec: { instances: 'three', storage: { size: '1Gi' } },
  };

  const result = await validateObject(cluster);

  assert.equal(result.status, 'invalid');
  assert.match(result.errors.join('\n'), /\/spec\/instances must be integer/);
});

test('schema rejects an unknown custom resource group', async () => {
  const object = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };

  const result = await validateObject(object);

  assert.equal(result.status, 'invalid');
  assert.match(result.errors.join('\n'), /no schema package is configured for API group example.com/);
});

test('schema rejects an unknown built-in kind', async () => {
  const object = { apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'w' } };

  const result = await validateObject(object);

  assert.equal(result.status, 'invalid');
  assert.match(result.errors.join('\n'), /apps\/v1 has no kind Deploymnet/);
});

test('schema rejects a misspelt field', async () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'broken', labels: { app: 'broken' } },
    spec: {
      selector: { matchLabels: { app: 'broken' } },
      template: {
        metadata: { labels: { app: 'broken' } },
        spec: {
          containers: [{ name: 'c', image: 'i:1', control: { preStop: { sleep: { seconds: 5 } } } }],
        },
      },
    },
  };

  const result = await validateObject(deployment);

  assert.equal(result.status, 'invalid');
  assert.deepEqual(result.errors, ['/spec/template/spec/containers/0/control is not a field of Container']);
});

test('schema rejects a misspelt CloudNativePG field', async () => {
  const cluster = {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name: 'broken' },
    spec: { instances: 1, storage: { size: '1Gi' }, affinity: { podAntiAffinityTyp: 'required' } },
  };

  const result = await validateObject(cluster);

  assert.equal(result.status, 'invalid');
  assert.deepEqual(result.errors, ['/spec/affinity/podAntiAffinityTyp is not a field of AffinityConfiguration']);
});
