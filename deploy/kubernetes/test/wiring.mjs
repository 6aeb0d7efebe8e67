// The checks of validate.mjs that no schema can make: how the rendered
// objects refer to each other and to moderationd's command line, and the
// hardening every moderationd pod must keep. Each returns a list of problems
// ("<kind>/<name>: <what is wrong>"); an empty list means it holds.

const label = (o) => `${o?.kind ?? "?"}/${o?.metadata?.name ?? "?"}`;

// The smallest startup budget that covers a cold compile with room to spare
// (10-14 s measured for the default rules on one core).
const MIN_STARTUP_SECONDS = 120;
const DEFAULT_SHUTDOWN_GRACE_SECONDS = 10;

function matches(selector, labels) {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

// "--name=value" arguments as a map.
function flags(container) {
  const out = {};
  for (const arg of container.args ?? []) {
    const m = /^--([a-z_]+)=(.*)$/.exec(arg);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

function portOf(address) {
  const m = /:(\d+)$/.exec(address ?? "");
  return m ? Number(m[1]) : undefined;
}

function seconds(duration) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(duration ?? "");
  if (!m) return undefined;
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60 }[m[2]];
}

function probeProblems(name, c, grpcPort) {
  const problems = [];
  for (const kind of ["startupProbe", "livenessProbe", "readinessProbe"]) {
    const probe = c[kind];
    if (!probe?.grpc) {
      problems.push(`${name}: ${kind} must be a native grpc probe`);
      continue;
    }
    if (probe.grpc.port !== grpcPort)
      problems.push(`${name}: ${kind} probes port ${probe.grpc.port}, gRPC listens on ${grpcPort}`);
  }
  if (c.readinessProbe?.grpc && c.readinessProbe.grpc.service !== "moderation.v1.ModerationService")
    problems.push(`${name}: readinessProbe must ask for moderation.v1.ModerationService`);
  const s = c.startupProbe;
  if (s && (s.periodSeconds ?? 10) * (s.failureThreshold ?? 3) < MIN_STARTUP_SECONDS)
    problems.push(`${name}: startupProbe allows less than ${MIN_STARTUP_SECONDS} s for a cold compile`);
  return problems;
}

function hardeningProblems(name, pod, c) {
  const problems = [];
  const psc = pod.securityContext ?? {};
  const sc = c.securityContext ?? {};
  if (psc.runAsNonRoot !== true && sc.runAsNonRoot !== true) problems.push(`${name}: runAsNonRoot`);
  if ((sc.seccompProfile ?? psc.seccompProfile)?.type !== "RuntimeDefault")
    problems.push(`${name}: seccompProfile RuntimeDefault`);
  if (sc.readOnlyRootFilesystem !== true) problems.push(`${name}: readOnlyRootFilesystem`);
  if (sc.allowPrivilegeEscalation !== false) problems.push(`${name}: allowPrivilegeEscalation false`);
  if (!(sc.capabilities?.drop ?? []).includes("ALL")) problems.push(`${name}: capabilities drop ALL`);
  if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory || !c.resources?.limits?.memory)
    problems.push(`${name}: cpu and memory requests and a memory limit`);
  if (!(pod.topologySpreadConstraints ?? []).length) problems.push(`${name}: topologySpreadConstraints`);
  return problems;
}

// The ConfigMap references ({name, optional}) a volume is made of: its
// ConfigMap, or the ConfigMaps projected into it (a ConfigMap holds at most
// 1 MiB, so large rule sets are spread over several). Empty for any other
// volume, and for a projection that mixes in other kinds of source.
function configMapSources(volume) {
  if (volume?.configMap) return [volume.configMap];
  const projected = volume?.projected?.sources ?? [];
  return projected.every((s) => s.configMap) ? projected.map((s) => s.configMap) : [];
}

const mountAt = (c, path) => (c.volumeMounts ?? []).find((m) => m.mountPath === path);
const volumeOf = (pod, mount) => (pod.volumes ?? []).find((v) => v.name === mount?.name);

// The ConfigMap references of the volume the Deployment's moderationd
// container reads its --rules directory from (empty if there is none).
export function rulesSources(objects) {
  const d = objects.find((o) => o.kind === "Deployment");
  const pod = d?.spec?.template?.spec;
  const c = (pod?.containers ?? []).find((c) => flags(c).rules);
  return c ? configMapSources(volumeOf(pod, mountAt(c, flags(c).rules))) : [];
}

// The flags must agree with the ports and the mounts.
function commandLineProblems(name, pod, c, objects) {
  const problems = [];
  const f = flags(c);
  const port = (n) => (c.ports ?? []).find((p) => p.name === n)?.containerPort;
  if (portOf(f.listen) !== port("grpc")) problems.push(`${name}: --listen does not use the grpc port`);
  if (portOf(f.metrics_listen) !== port("metrics"))
    problems.push(`${name}: --metrics_listen does not use the metrics port`);
  const mount = (path) => mountAt(c, path);
  const volume = (m) => volumeOf(pod, m);
  // An optional source need not be rendered.
  const sources = configMapSources(volume(mount(f.rules)));
  if (!sources.length) problems.push(`${name}: --rules=${f.rules} is not a ConfigMap mount`);
  else if (mount(f.rules).subPath) problems.push(`${name}: the rules mount uses subPath (never updated)`);
  else if (objects.some((o) => o.kind === "ConfigMap")) {
    for (const source of sources.filter((s) => !s.optional)) {
      if (!objects.some((o) => o.kind === "ConfigMap" && o.metadata.name === source.name))
        problems.push(`${name}: mounts ConfigMap ${source.name}, which is not rendered`);
    }
  }
  if (!volume(mount(f.cache_dir))?.emptyDir)
    problems.push(`${name}: --cache_dir=${f.cache_dir} is not an emptyDir mount`);
  const preStop = c.lifecycle?.preStop?.sleep?.seconds ?? 0;
  const grace = seconds(f.shutdown_grace) ?? DEFAULT_SHUTDOWN_GRACE_SECONDS;
  if ((pod.terminationGracePeriodSeconds ?? 30) <= preStop + grace)
    problems.push(`${name}: terminationGracePeriodSeconds must exceed preStop ${preStop} s + shutdown grace ${grace} s`);
  return problems;
}

function deploymentProblems(d, objects) {
  const pod = d.spec.template.spec;
  const labels = d.spec.template.metadata?.labels;
  const problems = [];
  if (!matches(d.spec.selector?.matchLabels, labels)) problems.push(`${label(d)}: selector misses the pod labels`);
  for (const c of pod.containers) {
    const name = `${label(d)} container ${c.name}`;
    const grpcPort = (c.ports ?? []).find((p) => p.name === "grpc")?.containerPort;
    if (!grpcPort) problems.push(`${name}: no container port named grpc`);
    problems.push(...probeProblems(name, c, grpcPort), ...hardeningProblems(name, pod, c),
      ...commandLineProblems(name, pod, c, objects));
  }
  return problems;
}

// Services, budgets, policies and monitors must select the pods, and name
// ports the pods have.
function selectorProblems(d, objects) {
  const labels = d.spec.template.metadata?.labels;
  const portNames = d.spec.template.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name));
  const problems = [];
  for (const o of objects) {
    let selector;
    let ports = [];
    if (o.kind === "Service") {
      selector = o.spec.selector;
      ports = (o.spec.ports ?? []).map((p) => p.targetPort).filter((p) => typeof p === "string");
    } else if (o.kind === "PodDisruptionBudget") {
      selector = o.spec.selector?.matchLabels;
    } else if (o.kind === "NetworkPolicy") {
      selector = o.spec.podSelector?.matchLabels;
      ports = (o.spec.ingress ?? []).flatMap((r) => (r.ports ?? []).map((p) => p.port));
    } else if (o.kind === "PodMonitor") {
      selector = o.spec.selector?.matchLabels;
      ports = (o.spec.podMetricsEndpoints ?? []).map((e) => e.port);
    } else {
      continue;
    }
    if (!selector || !Object.keys(selector).length || !matches(selector, labels))
      problems.push(`${label(o)}: selects no ${label(d)} pods`);
    for (const p of ports.filter((p) => typeof p === "string" && !portNames.includes(p)))
      problems.push(`${label(o)}: names port ${p}, which the pods do not have`);
    if (o.metadata.namespace !== d.metadata.namespace)
      problems.push(`${label(o)}: in namespace ${o.metadata.namespace}, the pods in ${d.metadata.namespace}`);
  }
  return problems;
}

function serviceProblems(objects) {
  const services = objects.filter((o) => o.kind === "Service");
  const problems = [];
  if (!services.some((s) => s.spec.clusterIP === "None"))
    problems.push("Service: no headless Service (clusterIP: None) for client-side load balancing");
  if (!services.some((s) => s.spec.clusterIP !== "None"))
    problems.push("Service: no ClusterIP Service for proxy load balancing");
  return problems;
}

function autoscalerProblems(d, objects) {
  const problems = [];
  const hpa = objects.find((o) => o.kind === "HorizontalPodAutoscaler");
  if (!hpa) return ["HorizontalPodAutoscaler: missing"];
  const ref = hpa.spec.scaleTargetRef;
  if (ref.kind !== "Deployment" || ref.name !== d.metadata.name)
    problems.push(`${label(hpa)}: scales ${ref.kind}/${ref.name}, not ${label(d)}`);
  if (!(hpa.spec.metrics ?? []).some((m) => m.resource?.name === "cpu"))
    problems.push(`${label(hpa)}: does not scale on CPU`);
  if ((hpa.spec.minReplicas ?? 1) < 2) problems.push(`${label(hpa)}: fewer than 2 replicas`);
  if (!objects.some((o) => o.kind === "PodDisruptionBudget")) problems.push("PodDisruptionBudget: missing");
  if (!objects.some((o) => o.kind === "NetworkPolicy")) problems.push("NetworkPolicy: missing");
  return problems;
}

export function checkWiring(objects) {
  const deployments = objects.filter((o) => o.kind === "Deployment");
  if (deployments.length !== 1) return [`expected one Deployment, found ${deployments.length}`];
  const d = deployments[0];
  return [
    ...deploymentProblems(d, objects),
    ...selectorProblems(d, objects),
    ...serviceProblems(objects),
    ...autoscalerProblems(d, objects),
  ];
}
