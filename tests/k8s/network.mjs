// A small evaluator of Kubernetes NetworkPolicies, enough to list which pod may open a connection
// to which port of which other pod under the rendered manifests. It follows the NetworkPolicy
// rules for podSelector, namespaceSelector, ipBlock, policyTypes, and numeric, named and ranged
// ports. It assumes pod addresses in 10.244.0.0/16 and nothing about the CNI beyond the API.

import { selectorMatches } from './manifests.mjs';

/** Pods and addresses outside the manifests that the paths are checked against. */
export const SYNTHETIC_ENDPOINTS = [
  // A pod of this namespace that is labelled as a client.
  { name: 'client-pod', sameNamespace: true, labels: { 'factorytwin.io/client': 'true' }, ports: [] },
  // Any pod of a namespace labelled as a client namespace (an ingress gateway, Prometheus).
  { name: 'client-namespace-pod', namespace: 'partner', namespaceLabels: { 'factorytwin.io/client': 'true' }, labels: {}, ports: [] },
  // Any pod of a namespace without that label.
  { name: 'unrelated-pod', namespace: 'unrelated', namespaceLabels: {}, labels: {}, ports: [] },
  {
    name: 'kube-dns',
    namespace: 'kube-system',
    namespaceLabels: {},
    labels: { 'k8s-app': 'kube-dns' },
    ports: [{ number: 53, protocol: 'UDP', name: 'dns' }, { number: 53, protocol: 'TCP', name: 'dns-tcp' }],
  },
  {
    name: 'cnpg-operator',
    namespace: 'cnpg-system',
    namespaceLabels: {},
    labels: { 'app.kubernetes.io/name': 'cloudnative-pg' },
    ports: [],
  },
  // An address outside the cluster, such as the API server, a public service or an MQTT broker.
  {
    name: 'outside-the-cluster',
    ip: '203.0.113.10',
    ports: [
      { number: 443, protocol: 'TCP' },
      { number: 6443, protocol: 'TCP' },
      { number: 1883, protocol: 'TCP' },
      { number: 8883, protocol: 'TCP' },
    ],
  },
];

function ipv4ToNumber(ip) {
  return ip.split('.').reduce((number, part) => number * 256 + Number(part), 0);
}

function cidrContains(cidr, ip) {
  if (cidr.includes(':') || ip.includes(':')) {
    return false;
  }
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipv4ToNumber(base) / size) * size;
  const address = ipv4ToNumber(ip);
  return address >= start && address < start + size;
}

function containerPorts(podSpec) {
  return (podSpec?.containers ?? []).flatMap((container) =>
    (container.ports ?? []).map((port) => ({
      number: port.containerPort,
      protocol: port.protocol ?? 'TCP',
      name: port.name,
    })));
}

/** Lists the endpoints: the pods of each Deployment and CloudNativePG cluster, then the synthetic ones. */
export function endpointsOf(objects) {
  const namespaces = new Map();
  for (const object of objects.filter((item) => item.kind === 'Namespace')) {
    namespaces.set(object.metadata.name, object.metadata.labels ?? {});
  }
  const namespaceLabels = (name) => ({ ...(namespaces.get(name) ?? {}), 'kubernetes.io/metadata.name': name });
  const manifestNamespaces = new Set(
    objects.map((object) => object.metadata?.namespace).filter((name) => name != null));

  const endpoints = [];
  let host = 1;
  for (const object of objects) {
    const namespace = object.metadata?.namespace;
    if (object.kind === 'Deployment') {
      endpoints.push({
        name: object.metadata.name,
        namespace,
        labels: object.spec.template.metadata?.labels ?? {},
        ports: containerPorts(object.spec.template.spec),
      });
    } else if (object.kind === 'Cluster' && object.apiVersion.startsWith('postgresql.cnpg.io/')) {
      endpoints.push({
        name: object.metadata.name,
        namespace,
        labels: { 'cnpg.io/cluster': object.metadata.name, 'cnpg.io/podRole': 'instance' },
        ports: [{ number: 5432, protocol: 'TCP', name: 'postgresql' }, { number: 8000, protocol: 'TCP', name: 'status' }],
      });
    }
  }

  const [ownNamespace] = [...manifestNamespaces];
  for (const synthetic of SYNTHETIC_ENDPOINTS) {
    const namespace = synthetic.sameNamespace ? ownNamespace : synthetic.namespace;
    endpoints.push({ ...synthetic, namespace, synthetic: true });
  }

  for (const endpoint of endpoints) {
    endpoint.ip ??= `10.244.0.${host++}`;
    if (endpoint.namespace != null) {
      endpoint.namespaceLabels = { ...namespaceLabels(endpoint.namespace), ...(endpoint.namespaceLabels ?? {}) };
    }
    endpoint.governed = endpoint.namespace != null && manifestNamespaces.has(endpoint.namespace);
  }
  return endpoints;
}

function policyTypes(policy) {
  if (policy.spec?.policyTypes) {
    return policy.spec.policyTypes;
  }
  return policy.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress'];
}

function policiesFor(endpoint, type, policies) {
  if (!endpoint.governed) {
    return null;
  }
  return policies.filter(
    (policy) =>
      policy.metadata.namespace === endpoint.namespace &&
      policyTypes(policy).includes(type) &&
      selectorMatches(policy.spec?.podSelector ?? {}, endpoint.labels ?? {}));
}

function peerMatches(peer, other, policyNamespace) {
  if (peer.ipBlock) {
    return cidrContains(peer.ipBlock.cidr, other.ip) &&
      !(peer.ipBlock.except ?? []).some((cidr) => cidrContains(cidr, other.ip));
  }
  if (other.namespace == null) {
    return false;
  }
  const namespaceMatches = peer.namespaceSelector
    ? selectorMatches(peer.namespaceSelector, other.namespaceLabels)
    : other.namespace === policyNamespace;
  const podMatches = peer.podSelector ? selectorMatches(peer.podSelector, other.labels ?? {}) : true;
  return namespaceMatches && podMatches;
}

function portMatches(rulePorts, port) {
  if (rulePorts == null || rulePorts.length === 0) {
    return true;
  }
  return rulePorts.some((rulePort) => {
    if ((rulePort.protocol ?? 'TCP') !== port.protocol) {
      return false;
    }
    if (rulePort.port == null) {
      return true;
    }
    if (typeof rulePort.port === 'string') {
      return rulePort.port === port.name;
    }
    const last = rulePort.endPort ?? rulePort.port;
    return port.number >= rulePort.port && port.number <= last;
  });
}

function allows(policies, other, port, rulesKey, peersKey) {
  if (policies == null || policies.length === 0) {
    return true;
  }
  return policies.some((policy) =>
    (policy.spec?.[rulesKey] ?? []).some((rule) => {
      const peers = rule[peersKey];
      const peerOk = peers == null || peers.length === 0 ||
        peers.some((peer) => peerMatches(peer, other, policy.metadata.namespace));
      return peerOk && portMatches(rule.ports, port);
    }));
}

/**
 * Lists every allowed connection as 'source -> target:port/protocol', where at least one side is
 * a pod of the manifests.
 */
export function reachablePaths(objects) {
  const policies = objects.filter((object) => object.kind === 'NetworkPolicy');
  const endpoints = endpointsOf(objects);
  const paths = [];
  for (const source of endpoints) {
    if (source.namespace == null) {
      continue;
    }
    const egressPolicies = policiesFor(source, 'Egress', policies);
    for (const target of endpoints) {
      if (source.synthetic && target.synthetic) {
        continue;
      }
      const ingressPolicies = policiesFor(target, 'Ingress', policies);
      for (const port of target.ports) {
        if (allows(egressPolicies, target, port, 'egress', 'to') &&
            allows(ingressPolicies, source, port, 'ingress', 'from')) {
          paths.push(`${source.name} -> ${target.name}:${port.number}/${port.protocol}`);
        }
      }
    }
  }
  return paths;
}
