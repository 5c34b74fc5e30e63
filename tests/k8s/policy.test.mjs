// Policy test: every rendered overlay follows the deployment policy in policy.mjs, and each rule
// rejects a deliberately broken object, so a rule that stopped checking would fail here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadOverlay, overlayNames } from './manifests.mjs';
import {
  checkAutoscalers,
  checkContainers,
  checkNetworkPaths,
  checkPolicy,
  checkProductionAvailability,
  checkSecrets,
  checkServices,
  checkShutdown,
  checkSingletons,
  durationSeconds,
} from './policy.mjs';

const SERVICES = {
  'lifecycle-service': 8101,
  'twin-service': 8102,
  'simulation-service': 8103,
  'control-service': 8104,
};

/** The calls between the services, and from dsx-bridge to them, as the design allows them. */
const SERVICE_CALLS = [
  ['lifecycle-service', 'twin-service'],
  ['simulation-service', 'lifecycle-service'],
  ['simulation-service', 'twin-service'],
  ['control-service', 'twin-service'],
  ['dsx-bridge', 'twin-service'],
  ['dsx-bridge', 'control-service'],
];

/** twin-service runs one standby that reports not ready while the owner holds the lease. */
const STANDBY_REPLICAS = { 'twin-service': 1 };

/** dsx-bridge runs one pod, because its MQTT broker keeps one session per client id. */
const SINGLETONS = ['dsx-bridge'];

/** Every connection the network policies of an overlay must allow, and no other. */
function expectedPaths() {
  const paths = [];
  const podsInNamespace = [...Object.keys(SERVICES), 'dsx-bridge', 'otel-collector', 'factorytwin-db'];
  for (const pod of podsInNamespace) {
    paths.push(`${pod} -> kube-dns:53/UDP`, `${pod} -> kube-dns:53/TCP`);
  }
  for (const service of Object.keys(SERVICES)) {
    paths.push(`${service} -> factorytwin-db:5432/TCP`, `${service} -> otel-collector:4317/TCP`);
  }
  for (const [caller, callee] of SERVICE_CALLS) {
    paths.push(`${caller} -> ${callee}:${SERVICES[callee]}/TCP`);
  }
  for (const [service, port] of Object.entries(SERVICES)) {
    paths.push(`client-pod -> ${service}:${port}/TCP`, `client-namespace-pod -> ${service}:${port}/TCP`);
  }
  paths.push(
    'factorytwin-db -> factorytwin-db:5432/TCP',
    'factorytwin-db -> factorytwin-db:8000/TCP',
    'cnpg-operator -> factorytwin-db:5432/TCP',
    'cnpg-operator -> factorytwin-db:8000/TCP',
    // The PostgreSQL pods reach the API server, which a NetworkPolicy can only name by address.
    'factorytwin-db -> outside-the-cluster:443/TCP',
    'factorytwin-db -> outside-the-cluster:6443/TCP',
    // dsx-bridge reaches the BMS's MQTT broker, plain and over TLS, likewise by address.
    'dsx-bridge -> outside-the-cluster:1883/TCP',
    'dsx-bridge -> outside-the-cluster:8883/TCP');
  return paths;
}

for (const overlay of overlayNames()) {
  test(`${overlay}: rendered manifests follow the policy`, () => {
    const objects = loadOverlay(overlay);

    const violations = checkPolicy(objects, {
      production: overlay === 'prod',
      expectedPaths: expectedPaths(),
      standbyReplicas: STANDBY_REPLICAS,
      singletons: SINGLETONS,
    });

    assert.deepEqual(violations, []);
  });
}

test('overlays include prod', () => {
  assert.ok(overlayNames().includes('prod'), 'the production rules run only on an overlay named prod');
});

// Fixtures: a small, correct service deployment. Each test below breaks one thing in a copy.

function goodDeployment(name = 'demo-service', port = 8101) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'demo', labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'service' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'service' } },
        spec: {
          terminationGracePeriodSeconds: 30,
          securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: {
                    topologyKey: 'kubernetes.io/hostname',
                    labelSelector: { matchLabels: { 'app.kubernetes.io/name': name } },
                  },
                },
              ],
            },
          },
          containers: [
            {
              name,
              image: `example/${name}:1.0.0`,
              ports: [{ name: 'grpc', containerPort: port, protocol: 'TCP' }],
              env: [
                { name: 'QUARKUS_SHUTDOWN_TIMEOUT', value: '20s' },
                { name: 'QUARKUS_DATASOURCE_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
              ],
              resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { cpu: '1', memory: '512Mi' } },
              startupProbe: { httpGet: { path: '/q/health/started', port: 'grpc' } },
              livenessProbe: { httpGet: { path: '/q/health/live', port: 'grpc' } },
              readinessProbe: { httpGet: { path: '/q/health/ready', port: 'grpc' } },
              lifecycle: { preStop: { sleep: { seconds: 5 } } },
              securityContext: {
                runAsNonRoot: true,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
            },
          ],
        },
      },
    },
  };
}

function goodBudget(name = 'demo-service') {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace: 'demo' },
    spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': name } } },
  };
}

function goodService(name = 'demo-service', port = 8101) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'demo', labels: { 'app.kubernetes.io/component': 'service' } },
    spec: { clusterIP: 'None', selector: { 'app.kubernetes.io/name': name }, ports: [{ name: 'grpc', port, targetPort: 'grpc' }] },
  };
}

function goodConfigMap() {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'demo-service', namespace: 'demo' },
    data: {
      QUARKUS_DATASOURCE_JDBC_URL: 'jdbc:postgresql://db-rw:5432/demo',
      FACTORYTWIN_JWT_PUBLIC_KEY: '/etc/factorytwin/jwt/public.pem',
    },
  };
}

function goodObjects() {
  return [goodDeployment(), goodBudget(), goodService(), goodConfigMap()];
}

function container(deployment) {
  return deployment.spec.template.spec.containers[0];
}

function allRules(objects) {
  return [
    ...checkContainers(objects),
    ...checkShutdown(objects),
    ...checkSecrets(objects),
    ...checkServices(objects),
    ...checkAutoscalers(objects),
    ...checkProductionAvailability(objects),
  ];
}

test('fixture follows every rule', () => {
  assert.deepEqual(allRules(goodObjects()), []);
});

test('policy rejects a container without readiness probe', () => {
  const deployment = goodDeployment();
  delete container(deployment).readinessProbe;

  assert.deepEqual(checkContainers([deployment]), [
    'Deployment/demo-service container demo-service: no readinessProbe',
  ]);
});

test('policy rejects a container without start-up probe', () => {
  const deployment = goodDeployment();
  delete container(deployment).startupProbe;

  assert.deepEqual(checkContainers([deployment]), [
    'Deployment/demo-service container demo-service: no startupProbe',
  ]);
});

test('policy rejects a missing memory limit', () => {
  const deployment = goodDeployment();
  delete container(deployment).resources.limits.memory;

  assert.deepEqual(checkContainers([deployment]), [
    'Deployment/demo-service container demo-service: no memory in resources.limits',
  ]);
});

test('policy rejects a writable root file system', () => {
  const deployment = goodDeployment();
  container(deployment).securityContext.readOnlyRootFilesystem = false;

  assert.deepEqual(checkContainers([deployment]), [
    'Deployment/demo-service container demo-service: readOnlyRootFilesystem is not true',
  ]);
});

test('policy rejects kept capabilities', () => {
  const deployment = goodDeployment();
  container(deployment).securityContext.capabilities = { drop: ['NET_RAW'], add: ['NET_ADMIN'] };

  assert.deepEqual(checkContainers([deployment]), [
    'Deployment/demo-service container demo-service: capabilities.drop does not contain ALL',
    'Deployment/demo-service container demo-service: capabilities.add is not empty',
  ]);
});

test('policy rejects a root container', () => {
  const deployment = goodDeployment();
  delete container(deployment).securityContext.runAsNonRoot;
  deployment.spec.template.spec.securityContext = { runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } };

  assert.deepEqual(checkContainers([deployment]), [
    'Deployment/demo-service container demo-service: runAsNonRoot is not true',
    'Deployment/demo-service container demo-service: runAsUser is 0 (root)',
  ]);
});

test('policy rejects privilege escalation', () => {
  const deployment = goodDeployment();
  container(deployment).securityContext.allowPrivilegeEscalation = true;

  assert.deepEqual(checkContainers([deployment]), [
    'Deployment/demo-service container demo-service: allowPrivilegeEscalation is not false',
  ]);
});

test('policy rejects an unconfined seccomp profile', () => {
  const deployment = goodDeployment();
  container(deployment).securityContext.seccompProfile = { type: 'Unconfined' };

  assert.deepEqual(checkContainers([deployment]), [
    'Deployment/demo-service container demo-service: seccompProfile.type is Unconfined, expected RuntimeDefault',
  ]);
});

test('policy rejects an image without fixed tag', () => {
  const latest = goodDeployment();
  container(latest).image = 'registry.example.com:5000/demo/demo-service:latest';
  const untagged = goodDeployment();
  container(untagged).image = 'registry.example.com:5000/demo/demo-service';
  const pinned = goodDeployment();
  container(pinned).image = `registry.example.com:5000/demo/demo-service@sha256:${'a'.repeat(64)}`;

  assert.equal(checkContainers([latest]).length, 1);
  assert.equal(checkContainers([untagged]).length, 1);
  assert.deepEqual(checkContainers([pinned]), []);
});

test('policy rejects a committed Secret', () => {
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: 'x' } };

  assert.deepEqual(checkSecrets([secret]), [
    'Secret/db: a Secret is part of the manifests; create it in the cluster instead',
  ]);
});

test('policy rejects a password in a ConfigMap', () => {
  const byName = goodConfigMap();
  byName.data.QUARKUS_DATASOURCE_PASSWORD = 'hunter2';
  const inUrl = goodConfigMap();
  inUrl.data.QUARKUS_DATASOURCE_JDBC_URL = 'jdbc:postgresql://db-rw:5432/demo?user=app&password=hunter2';
  const inAuthority = goodConfigMap();
  inAuthority.data.BROKER_URL = 'amqp://app:hunter2@broker:5672';

  assert.deepEqual(checkSecrets([byName]), ['ConfigMap/demo-service: key QUARKUS_DATASOURCE_PASSWORD looks like a credential']);
  assert.deepEqual(checkSecrets([inUrl]), ['ConfigMap/demo-service: key QUARKUS_DATASOURCE_JDBC_URL carries a literal key or password']);
  assert.deepEqual(checkSecrets([inAuthority]), ['ConfigMap/demo-service: key BROKER_URL carries a literal key or password']);
});

test('policy rejects a PEM key in a ConfigMap', () => {
  const configMap = goodConfigMap();
  configMap.data['signing.pem'] = '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n';

  assert.deepEqual(checkSecrets([configMap]), ['ConfigMap/demo-service: key signing.pem carries a literal key or password']);
});

test('policy rejects a literal password env value', () => {
  const deployment = goodDeployment();
  container(deployment).env.push({ name: 'QUARKUS_DATASOURCE_PASSWORD', value: 'hunter2' });

  assert.deepEqual(checkSecrets([deployment]), [
    'Deployment/demo-service container demo-service: env QUARKUS_DATASOURCE_PASSWORD has a literal value; use valueFrom.secretKeyRef',
  ]);
});

test('policy rejects an unnamed Service port', () => {
  const service = goodService();
  service.spec.ports.push({ port: 9000 });

  assert.deepEqual(checkServices([service]), ['Service/demo-service: port 9000 has no name']);
});

test('policy rejects a service with virtual IP', () => {
  const service = goodService();
  delete service.spec.clusterIP;
  service.spec.ports[0].name = 'http';

  assert.deepEqual(checkServices([service]), [
    'Service/demo-service: is not headless (clusterIP: None)',
    'Service/demo-service: has no port named grpc',
  ]);
});

test('policy rejects a short grace period', () => {
  const deployment = goodDeployment();
  deployment.spec.template.spec.terminationGracePeriodSeconds = 20;

  assert.deepEqual(checkShutdown([deployment]), [
    'Deployment/demo-service container demo-service: terminationGracePeriodSeconds 20 is shorter than preStop 5 s + shutdown timeout 20 s + 5 s',
  ]);
});

test('policy rejects a missing preStop hook', () => {
  const deployment = goodDeployment();
  delete container(deployment).lifecycle;

  assert.deepEqual(checkShutdown([deployment]), ['Deployment/demo-service container demo-service: no preStop hook']);
});

test('policy rejects a service without shutdown timeout', () => {
  const deployment = goodDeployment();
  container(deployment).env = container(deployment).env.filter((env) => env.name !== 'QUARKUS_SHUTDOWN_TIMEOUT');

  assert.deepEqual(checkShutdown([deployment]), [
    'Deployment/demo-service container demo-service: QUARKUS_SHUTDOWN_TIMEOUT is not set as a literal env value',
  ]);
});

test('durations parse in Quarkus formats', () => {
  assert.equal(durationSeconds('20s'), 20);
  assert.equal(durationSeconds('20'), 20);
  assert.equal(durationSeconds('500ms'), 0.5);
  assert.equal(durationSeconds('1m'), 60);
  assert.equal(durationSeconds('PT1M30S'), 90);
  assert.equal(durationSeconds('soon'), null);
});

test('prod rejects a Deployment without budget', () => {
  const objects = [goodDeployment()];

  assert.deepEqual(checkProductionAvailability(objects), [
    'Deployment/demo-service: no PodDisruptionBudget selects its pods',
  ]);
});

test('prod rejects a budget that blocks drains', () => {
  const budget = goodBudget();
  budget.spec = { minAvailable: 2, selector: budget.spec.selector };

  assert.deepEqual(checkProductionAvailability([goodDeployment(), budget]), [
    'PodDisruptionBudget/demo-service: allows no eviction of Deployment/demo-service pods, so a node drain would block',
  ]);
});

test('prod rejects a budget that a standby blocks', () => {
  // With one never-ready standby out of two replicas, maxUnavailable 1 leaves no eviction for the
  // one ready pod: the reason twin-service's budget is minAvailable 0.
  const objects = [goodDeployment(), goodBudget()];

  assert.deepEqual(checkProductionAvailability(objects, { 'demo-service': 1 }), [
    'PodDisruptionBudget/demo-service: allows no eviction of Deployment/demo-service pods, so a node drain would block',
  ]);
});

test('prod rejects a single replica', () => {
  const deployment = goodDeployment();
  deployment.spec.replicas = 1;

  assert.deepEqual(checkProductionAvailability([deployment, goodBudget()]), [
    'Deployment/demo-service: runs 1 replica(s); production needs at least 2',
  ]);
});

test('prod counts the autoscaler minimum as replicas', () => {
  const deployment = goodDeployment();
  delete deployment.spec.replicas;
  const autoscaler = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'demo-service', namespace: 'demo' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'demo-service' }, minReplicas: 1, maxReplicas: 4 },
  };

  assert.deepEqual(checkProductionAvailability([deployment, goodBudget(), autoscaler]), [
    'Deployment/demo-service: runs 1 replica(s); production needs at least 2',
  ]);
});

test('prod rejects a Deployment without anti-affinity', () => {
  const deployment = goodDeployment();
  delete deployment.spec.template.spec.affinity;

  assert.deepEqual(checkProductionAvailability([deployment, goodBudget()]), [
    'Deployment/demo-service: has no pod anti-affinity term that selects its own pods',
  ]);
});

function singletonDeployment() {
  const deployment = goodDeployment();
  deployment.spec.replicas = 1;
  deployment.spec.strategy = { type: 'Recreate' };
  delete deployment.spec.template.spec.affinity;
  return deployment;
}

test('singleton with Recreate passes', () => {
  const objects = [singletonDeployment(), goodBudget()];

  assert.deepEqual(checkSingletons(objects, ['demo-service']), []);
  assert.deepEqual(checkProductionAvailability(objects, {}, ['demo-service']), []);
});

test('singleton rejects two replicas', () => {
  const deployment = singletonDeployment();
  deployment.spec.replicas = 2;

  assert.deepEqual(checkSingletons([deployment], ['demo-service']), [
    'Deployment/demo-service: runs 2 replicas; a singleton must run exactly 1',
  ]);
});

test('singleton rejects an autoscaler', () => {
  const autoscaler = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'demo-service', namespace: 'demo' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'demo-service' }, minReplicas: 1, maxReplicas: 2 },
  };

  assert.deepEqual(checkSingletons([singletonDeployment(), autoscaler], ['demo-service']), [
    'Deployment/demo-service: HorizontalPodAutoscaler/demo-service scales it; a singleton must run exactly 1 replica',
  ]);
});

test('singleton rejects a rolling update', () => {
  const explicit = singletonDeployment();
  explicit.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } };
  const byDefault = singletonDeployment();
  delete byDefault.spec.strategy;

  const message = 'Deployment/demo-service: strategy is RollingUpdate; a singleton needs Recreate, so old and new pods never overlap';
  assert.deepEqual(checkSingletons([explicit], ['demo-service']), [message]);
  assert.deepEqual(checkSingletons([byDefault], ['demo-service']), [message]);
});

test('singleton rejects a missing Deployment', () => {
  assert.deepEqual(checkSingletons([goodBudget()], ['demo-service']), [
    'Deployment/demo-service: not in the manifests, although it is listed as a singleton',
  ]);
});

test('prod still needs a singleton budget', () => {
  assert.deepEqual(checkProductionAvailability([singletonDeployment()], {}, ['demo-service']), [
    'Deployment/demo-service: no PodDisruptionBudget selects its pods',
  ]);
});

test('prod rejects an unlisted single replica', () => {
  assert.deepEqual(checkProductionAvailability([singletonDeployment(), goodBudget()]), [
    'Deployment/demo-service: runs 1 replica(s); production needs at least 2',
    'Deployment/demo-service: has no pod anti-affinity term that selects its own pods',
  ]);
});

test('policy rejects replicas on an autoscaled Deployment', () => {
  const autoscaler = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'demo-service', namespace: 'demo' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'demo-service' }, minReplicas: 2, maxReplicas: 4 },
  };

  assert.deepEqual(checkAutoscalers([goodDeployment(), autoscaler]), [
    'Deployment/demo-service: sets replicas although HorizontalPodAutoscaler/demo-service scales it',
  ]);
});

// Network fixture: two services where only caller-service may call callee-service.

function networkPolicy(name, spec) {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'demo' }, spec };
}

function networkFixture() {
  const byName = (name) => ({ podSelector: { matchLabels: { 'app.kubernetes.io/name': name } } });
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } },
    goodDeployment('caller-service', 8101),
    goodDeployment('callee-service', 8102),
    networkPolicy('default-deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    networkPolicy('callee-service', {
      ...byName('callee-service'),
      policyTypes: ['Ingress'],
      ingress: [{ from: [byName('caller-service')], ports: [{ protocol: 'TCP', port: 8102 }] }],
    }),
    networkPolicy('caller-service', {
      ...byName('caller-service'),
      policyTypes: ['Egress'],
      egress: [{ to: [byName('callee-service')], ports: [{ protocol: 'TCP', port: 'grpc' }] }],
    }),
  ];
}

test('network fixture allows exactly the one call', () => {
  assert.deepEqual(checkNetworkPaths(networkFixture(), ['caller-service -> callee-service:8102/TCP']), []);
});

test('network check rejects an extra path', () => {
  const objects = networkFixture();
  objects.push(
    networkPolicy('allow-all-ingress', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] }),
    networkPolicy('allow-all-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] }));

  const violations = checkNetworkPaths(objects, ['caller-service -> callee-service:8102/TCP']);

  assert.ok(
    violations.includes('network policies allow an unexpected path: callee-service -> caller-service:8101/TCP'),
    violations.join('\n'));
  assert.ok(
    violations.includes('network policies allow an unexpected path: unrelated-pod -> caller-service:8101/TCP'),
    violations.join('\n'));
});

test('network check rejects a blocked path', () => {
  const objects = networkFixture().filter((object) => object.metadata.name !== 'caller-service' || object.kind !== 'NetworkPolicy');

  assert.deepEqual(checkNetworkPaths(objects, ['caller-service -> callee-service:8102/TCP']), [
    'network policies block an expected path: caller-service -> callee-service:8102/TCP',
  ]);
});

test('network check counts an open namespace', () => {
  const objects = networkFixture().filter((object) => object.metadata.name !== 'default-deny-all');

  const violations = checkNetworkPaths(objects, ['caller-service -> callee-service:8102/TCP']);

  assert.ok(
    violations.includes('network policies allow an unexpected path: unrelated-pod -> caller-service:8101/TCP'),
    violations.join('\n'));
});
