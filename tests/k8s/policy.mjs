// Deployment policy for the rendered manifests. Each rule takes the objects of one rendered overlay
// and returns its violations as readable lines; an empty list means the rule holds.

import { objectName, selectorMatches } from './manifests.mjs';
import { reachablePaths } from './network.mjs';

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

/** Seconds a pod needs after the last Quarkus shutdown step before SIGKILL, for the JVM to exit. */
export const JVM_EXIT_MARGIN_SECONDS = 5;

/** Returns the pod template spec of a workload object, or null for other kinds. */
export function podSpecOf(object) {
  if (!WORKLOAD_KINDS.has(object.kind)) {
    return null;
  }
  if (object.kind === 'CronJob') {
    return object.spec?.jobTemplate?.spec?.template?.spec ?? null;
  }
  return object.spec?.template?.spec ?? null;
}

function podLabelsOf(object) {
  if (object.kind === 'CronJob') {
    return object.spec?.jobTemplate?.spec?.template?.metadata?.labels ?? {};
  }
  return object.spec?.template?.metadata?.labels ?? {};
}

function allContainers(podSpec) {
  return [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? [])];
}

/**
 * Checks that every container has start-up, liveness and readiness probes (init containers
 * cannot have them) and CPU and memory requests and limits. Checks that its securityContext runs
 * as non-root with a read-only root file system, no privilege escalation, all capabilities
 * dropped and the RuntimeDefault seccomp profile, counting pod-level settings where Kubernetes
 * inherits them. Also checks that every image has a fixed tag or digest.
 */
export function checkContainers(objects) {
  const violations = [];
  for (const object of objects) {
    const podSpec = podSpecOf(object);
    if (podSpec == null) {
      continue;
    }
    const podSecurity = podSpec.securityContext ?? {};
    const initNames = new Set((podSpec.initContainers ?? []).map((container) => container.name));
    for (const container of allContainers(podSpec)) {
      const where = `${objectName(object)} container ${container.name}`;
      const security = container.securityContext ?? {};

      if (!initNames.has(container.name)) {
        for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
          if (container[probe] == null) {
            violations.push(`${where}: no ${probe}`);
          }
        }
      }
      for (const kind of ['requests', 'limits']) {
        for (const resource of ['cpu', 'memory']) {
          if (container.resources?.[kind]?.[resource] == null) {
            violations.push(`${where}: no ${resource} in resources.${kind}`);
          }
        }
      }

      if ((security.runAsNonRoot ?? podSecurity.runAsNonRoot) !== true) {
        violations.push(`${where}: runAsNonRoot is not true`);
      }
      if ((security.runAsUser ?? podSecurity.runAsUser) === 0) {
        violations.push(`${where}: runAsUser is 0 (root)`);
      }
      if (security.readOnlyRootFilesystem !== true) {
        violations.push(`${where}: readOnlyRootFilesystem is not true`);
      }
      if (security.allowPrivilegeEscalation !== false) {
        violations.push(`${where}: allowPrivilegeEscalation is not false`);
      }
      if (security.privileged === true) {
        violations.push(`${where}: privileged is true`);
      }
      if (!(security.capabilities?.drop ?? []).includes('ALL')) {
        violations.push(`${where}: capabilities.drop does not contain ALL`);
      }
      if ((security.capabilities?.add ?? []).length > 0) {
        violations.push(`${where}: capabilities.add is not empty`);
      }
      const seccomp = security.seccompProfile?.type ?? podSecurity.seccompProfile?.type;
      if (seccomp !== 'RuntimeDefault') {
        violations.push(`${where}: seccompProfile.type is ${seccomp ?? 'unset'}, expected RuntimeDefault`);
      }

      const image = container.image ?? '';
      const lastSegment = image.split('/').pop();
      if (!image.includes('@') && (!lastSegment.includes(':') || lastSegment.endsWith(':latest'))) {
        violations.push(`${where}: image ${image} has no fixed tag or digest`);
      }
    }
  }
  return violations;
}

/** Converts a Quarkus duration such as 20s, 500ms, 1m or PT20S to seconds; null when invalid. */
export function durationSeconds(text) {
  const simple = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(String(text).trim());
  if (simple) {
    const factor = { ms: 0.001, s: 1, m: 60, h: 3600 }[simple[2] ?? 's'];
    return Number(simple[1]) * factor;
  }
  const iso = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/i.exec(String(text).trim());
  if (iso && (iso[1] || iso[2] || iso[3])) {
    return Number(iso[1] ?? 0) * 3600 + Number(iso[2] ?? 0) * 60 + Number(iso[3] ?? 0);
  }
  return null;
}

/**
 * Checks that every Deployment container has a preStop hook and that the termination grace
 * period covers the preStop sleep, QUARKUS_SHUTDOWN_TIMEOUT (where the container sets it) and the
 * time the JVM needs to exit. The four services must set QUARKUS_SHUTDOWN_TIMEOUT.
 */
export function checkShutdown(objects) {
  const violations = [];
  for (const object of objects) {
    if (object.kind !== 'Deployment') {
      continue;
    }
    const podSpec = podSpecOf(object);
    const grace = podSpec.terminationGracePeriodSeconds ?? 30;
    const isService = podLabelsOf(object)['app.kubernetes.io/component'] === 'service';
    for (const container of podSpec.containers ?? []) {
      const where = `${objectName(object)} container ${container.name}`;
      const preStop = container.lifecycle?.preStop;
      if (preStop == null) {
        violations.push(`${where}: no preStop hook`);
        continue;
      }
      const sleepSeconds = preStop.sleep?.seconds ?? 0;
      const timeoutEnv = (container.env ?? []).find((env) => env.name === 'QUARKUS_SHUTDOWN_TIMEOUT');
      if (isService && timeoutEnv?.value == null) {
        violations.push(`${where}: QUARKUS_SHUTDOWN_TIMEOUT is not set as a literal env value`);
        continue;
      }
      const shutdownSeconds = timeoutEnv ? durationSeconds(timeoutEnv.value) : 0;
      if (shutdownSeconds == null) {
        violations.push(`${where}: QUARKUS_SHUTDOWN_TIMEOUT '${timeoutEnv.value}' is not a duration`);
        continue;
      }
      const needed = sleepSeconds + shutdownSeconds + JVM_EXIT_MARGIN_SECONDS;
      if (grace < needed) {
        violations.push(
          `${where}: terminationGracePeriodSeconds ${grace} is shorter than preStop ${sleepSeconds} s` +
            ` + shutdown timeout ${shutdownSeconds} s + ${JVM_EXIT_MARGIN_SECONDS} s`);
      }
    }
  }
  return violations;
}

const SECRET_NAME = /pass(word|wd)?|secret|token|credential|private[-_.]?key|api[-_.]?key/i;
const PEM_KEY = /-----BEGIN [A-Z0-9 ]*KEY-----/;
const URL_WITH_PASSWORD = /:\/\/[^\/\s:@]+:[^\/\s@]+@/;
const PASSWORD_PARAMETER = /[?&;]password=/i;

function secretLikeValue(value) {
  return PEM_KEY.test(value) || URL_WITH_PASSWORD.test(value) || PASSWORD_PARAMETER.test(value);
}

/**
 * Checks that the manifests contain no Secret at all, because every Secret is created in the
 * cluster or by an operator. Checks that no ConfigMap carries a password, token or key, and that
 * no container sets one as a literal env value.
 */
export function checkSecrets(objects) {
  const violations = [];
  for (const object of objects) {
    if (object.kind === 'Secret') {
      violations.push(`${objectName(object)}: a Secret is part of the manifests; create it in the cluster instead`);
    }
    if (object.kind === 'ConfigMap') {
      const entries = { ...(object.data ?? {}), ...(object.binaryData ?? {}) };
      for (const [key, value] of Object.entries(entries)) {
        if (SECRET_NAME.test(key)) {
          violations.push(`${objectName(object)}: key ${key} looks like a credential`);
        } else if (secretLikeValue(String(value))) {
          violations.push(`${objectName(object)}: key ${key} carries a literal key or password`);
        }
      }
    }
    const podSpec = podSpecOf(object);
    for (const container of podSpec ? allContainers(podSpec) : []) {
      for (const env of container.env ?? []) {
        if (env.value == null) {
          continue;
        }
        if (SECRET_NAME.test(env.name) || secretLikeValue(env.value)) {
          violations.push(
            `${objectName(object)} container ${container.name}: env ${env.name} has a literal value; use valueFrom.secretKeyRef`);
        }
      }
    }
  }
  return violations;
}

/**
 * Checks that every Service port has a name, and that the four Factory Twin services are
 * headless with a port named grpc, so gRPC clients balance across pods.
 */
export function checkServices(objects) {
  const violations = [];
  for (const object of objects) {
    if (object.kind !== 'Service') {
      continue;
    }
    for (const [index, port] of (object.spec?.ports ?? []).entries()) {
      if (!port.name) {
        violations.push(`${objectName(object)}: port ${port.port ?? index} has no name`);
      }
    }
    if (object.metadata?.labels?.['app.kubernetes.io/component'] === 'service') {
      if (object.spec?.clusterIP !== 'None') {
        violations.push(`${objectName(object)}: is not headless (clusterIP: None)`);
      }
      if (!(object.spec?.ports ?? []).some((port) => port.name === 'grpc')) {
        violations.push(`${objectName(object)}: has no port named grpc`);
      }
    }
  }
  return violations;
}

/**
 * Checks that every autoscaler targets a Deployment of the manifests, and that the Deployment
 * leaves spec.replicas unset, so applying the manifests does not reset the autoscaler's count.
 */
export function checkAutoscalers(objects) {
  const violations = [];
  const deployments = new Map(
    objects.filter((object) => object.kind === 'Deployment').map((object) => [object.metadata.name, object]));
  for (const autoscaler of objects.filter((object) => object.kind === 'HorizontalPodAutoscaler')) {
    const target = autoscaler.spec?.scaleTargetRef ?? {};
    const deployment = target.kind === 'Deployment' ? deployments.get(target.name) : undefined;
    if (deployment == null) {
      violations.push(`${objectName(autoscaler)}: targets ${target.kind}/${target.name}, which is not in the manifests`);
    } else if (deployment.spec?.replicas != null) {
      violations.push(`${objectName(deployment)}: sets replicas although ${objectName(autoscaler)} scales it`);
    }
  }
  return violations;
}

function replicasOf(deployment, objects) {
  const autoscaler = objects.find(
    (object) =>
      object.kind === 'HorizontalPodAutoscaler' &&
      object.spec?.scaleTargetRef?.kind === 'Deployment' &&
      object.spec?.scaleTargetRef?.name === deployment.metadata.name);
  if (autoscaler) {
    return autoscaler.spec.minReplicas ?? 1;
  }
  return deployment.spec?.replicas ?? 1;
}

/**
 * Returns how many pods a budget lets an eviction take down, computed as the disruption controller
 * does: the ready pods minus the ready pods the budget requires. A standby that never reports
 * ready counts in the replicas but never among the ready pods.
 */
function disruptionsAllowed(budget, replicas, standbys) {
  const spec = budget.spec ?? {};
  // Kubernetes rounds percentages of the replica count up.
  const count = (value) =>
    typeof value === 'string' && value.endsWith('%')
      ? Math.ceil((replicas * Number(value.slice(0, -1))) / 100)
      : Number(value);
  let requiredReady = 0;
  if (spec.maxUnavailable != null) {
    requiredReady = replicas - count(spec.maxUnavailable);
  } else if (spec.minAvailable != null) {
    requiredReady = count(spec.minAvailable);
  }
  return Math.max(replicas - standbys - requiredReady, 0);
}

function hasPodAntiAffinity(podSpec, labels) {
  const antiAffinity = podSpec.affinity?.podAntiAffinity ?? {};
  const terms = [
    ...(antiAffinity.requiredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(antiAffinity.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((weighted) => weighted.podAffinityTerm),
  ];
  return terms.some((term) => term?.topologyKey && selectorMatches(term.labelSelector, labels));
}

/**
 * Checks that each Deployment named in singletons runs exactly one pod, has no autoscaler and
 * replaces its pod with the Recreate strategy, so an update never runs the old and the new pod
 * side by side. dsx-bridge is one, because its MQTT broker keeps one session per client id.
 */
export function checkSingletons(objects, singletons = []) {
  const violations = [];
  for (const name of singletons) {
    const deployment = objects.find((object) => object.kind === 'Deployment' && object.metadata?.name === name);
    if (deployment == null) {
      violations.push(`Deployment/${name}: not in the manifests, although it is listed as a singleton`);
      continue;
    }
    const where = objectName(deployment);
    const replicas = deployment.spec?.replicas ?? 1;
    if (replicas !== 1) {
      violations.push(`${where}: runs ${replicas} replicas; a singleton must run exactly 1`);
    }
    const autoscaler = objects.find(
      (object) =>
        object.kind === 'HorizontalPodAutoscaler' &&
        object.spec?.scaleTargetRef?.kind === 'Deployment' &&
        object.spec?.scaleTargetRef?.name === name);
    if (autoscaler) {
      violations.push(`${where}: ${objectName(autoscaler)} scales it; a singleton must run exactly 1 replica`);
    }
    const strategy = deployment.spec?.strategy?.type ?? 'RollingUpdate';
    if (strategy !== 'Recreate') {
      violations.push(`${where}: strategy is ${strategy}; a singleton needs Recreate, so old and new pods never overlap`);
    }
  }
  return violations;
}

/**
 * Checks the production rules: every Deployment runs at least two replicas (an autoscaler's
 * minimum counts) and spreads them with pod anti-affinity. Exactly one PodDisruptionBudget selects
 * its pods, and it lets a node drain evict at least one of them. standbyReplicas maps the name of
 * a Deployment whose standby pods stay not ready by design to the number of those pods. The
 * Deployments named in singletons run one pod by design (checkSingletons), so for them only the
 * budget rules apply.
 */
export function checkProductionAvailability(objects, standbyReplicas = {}, singletons = []) {
  const violations = [];
  const budgets = objects.filter((object) => object.kind === 'PodDisruptionBudget');
  for (const deployment of objects.filter((object) => object.kind === 'Deployment')) {
    const where = objectName(deployment);
    const labels = podLabelsOf(deployment);
    const namespace = deployment.metadata.namespace;
    const replicas = replicasOf(deployment, objects);
    const singleton = singletons.includes(deployment.metadata.name);
    if (!singleton && replicas < 2) {
      violations.push(`${where}: runs ${replicas} replica(s); production needs at least 2`);
    }
    if (!singleton && !hasPodAntiAffinity(podSpecOf(deployment), labels)) {
      violations.push(`${where}: has no pod anti-affinity term that selects its own pods`);
    }
    const matching = budgets.filter(
      (budget) => budget.metadata.namespace === namespace && selectorMatches(budget.spec?.selector, labels));
    if (matching.length === 0) {
      violations.push(`${where}: no PodDisruptionBudget selects its pods`);
    } else if (matching.length > 1) {
      violations.push(`${where}: ${matching.length} PodDisruptionBudgets select its pods; eviction fails with more than one`);
    } else if (disruptionsAllowed(matching[0], replicas, standbyReplicas[deployment.metadata.name] ?? 0) < 1) {
      violations.push(`${objectName(matching[0])}: allows no eviction of ${where} pods, so a node drain would block`);
    }
  }
  return violations;
}

/**
 * Checks that the network policies allow exactly the expected paths. A path is allowed when the
 * egress policies of its source and the ingress policies of its target both admit it.
 */
export function checkNetworkPaths(objects, expectedPaths) {
  const allowed = new Set(reachablePaths(objects));
  const expected = new Set(expectedPaths);
  const violations = [];
  for (const path of [...allowed].sort()) {
    if (!expected.has(path)) {
      violations.push(`network policies allow an unexpected path: ${path}`);
    }
  }
  for (const path of [...expected].sort()) {
    if (!allowed.has(path)) {
      violations.push(`network policies block an expected path: ${path}`);
    }
  }
  return violations;
}

/** Runs every rule that applies to an overlay; production adds the availability rules. */
export function checkPolicy(objects, { production, expectedPaths, standbyReplicas, singletons = [] }) {
  return [
    ...checkContainers(objects),
    ...checkShutdown(objects),
    ...checkSecrets(objects),
    ...checkServices(objects),
    ...checkAutoscalers(objects),
    ...checkSingletons(objects, singletons),
    ...checkNetworkPaths(objects, expectedPaths),
    ...(production ? checkProductionAvailability(objects, standbyReplicas, singletons) : []),
  ];
}
