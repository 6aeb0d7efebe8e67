// Tests of the Kubernetes manifests, run by `node --test` (check.sh):
//   - the base and the example overlay render with `kubectl kustomize` and
//     pass every check of checks.mjs;
//   - each kind of check rejects a manifest broken in its way, so a pass
//     means something;
//   - with MODERATIOND set: the real server starts with the Deployment's own
//     flags on the rendered ConfigMap, laid out as the kubelet lays it out,
//     and reloads when the kubelet's `..data` link swap delivers new rules.
//     It starts with an empty cache, as a new pod does, and its peak
//     resident memory over the compile and the reload must stay within 80 %
//     of the container's memory limit.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import {
  existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import yaml from "js-yaml";

import {
  CONFIGMAP_MAX_BYTES, rulesConfigMap, rulesProblems, schemaProblems, strictFieldProblems,
  validateObjects,
} from "./checks.mjs";
import { checkWiring } from "./wiring.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../../..");
const rulesDir = join(repo, "rules");
const kubectl = process.env.KUBECTL || "kubectl";

function render(dir, ...flags) {
  // The rendered rules are over a megabyte, Node's default output buffer.
  const out = execFileSync(kubectl, ["kustomize", ...flags, join(here, "..", dir)], {
    encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024,
  });
  return yaml.loadAll(out).filter((o) => o != null);
}

// Rendered once; each test gets its own copy to break.
let rendered;
function overlay() {
  rendered ??= render("overlays/example", "--load-restrictor", "LoadRestrictionsNone");
  return structuredClone(rendered);
}
const find = (objects, kind) => objects.find((o) => o.kind === kind);
const deploymentContainer = (objects) => find(objects, "Deployment").spec.template.spec.containers[0];
const deploymentPod = (objects) => find(objects, "Deployment").spec.template.spec;
const mentions = (problems, text) => problems.some((p) => p.includes(text));

test("the base renders and passes every check", () => {
  const objects = render("base");
  assert.deepEqual(validateObjects(objects), []);
  assert.deepEqual(objects.map((o) => o.kind).sort(), [
    "Deployment", "HorizontalPodAutoscaler", "NetworkPolicy", "PodDisruptionBudget", "Service",
    "Service", "ServiceAccount"]);
});

test("the example overlay renders and passes every check, with the repository's rules", () => {
  const objects = overlay();
  assert.deepEqual(validateObjects(objects, { rulesDir }), []);
  for (const o of objects.filter((o) => o.kind !== "Namespace"))
    assert.equal(o.metadata.namespace, "moderation", `${o.kind}/${o.metadata.name}`);
  assert.ok(find(objects, "PodMonitor"), "the Prometheus Operator component is included");
});

test("a misspelt or unknown field is rejected", () => {
  const objects = overlay();
  const c = deploymentContainer(objects);
  c.readinesProbe = c.readinessProbe;
  delete c.readinessProbe;
  const problems = strictFieldProblems(objects);
  assert.ok(mentions(problems, "readinesProbe"), problems.join("\n"));
  assert.ok(mentions(problems, "Deployment/moderationd"), problems.join("\n"));
});

test("a value of the wrong type is rejected by the schema", () => {
  const objects = overlay();
  deploymentContainer(objects).startupProbe.periodSeconds = "2";
  const problems = schemaProblems(objects);
  assert.ok(mentions(problems, "Deployment/moderationd: schema"), problems.join("\n"));
});

test("an object of an unknown kind is not passed unchecked", () => {
  const problems = schemaProblems([{ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } }]);
  assert.ok(mentions(problems, "no schema known"), problems.join("\n"));
});

test("the wiring checks catch what no schema sees", () => {
  const cases = [
    ["a writable root filesystem", (o) => { deploymentContainer(o).securityContext.readOnlyRootFilesystem = false; },
      "readOnlyRootFilesystem"],
    ["an HTTP readiness probe", (o) => {
      deploymentContainer(o).readinessProbe = { httpGet: { path: "/readyz", port: 9464 } };
    }, "readinessProbe must be a native grpc probe"],
    ["a probe on the wrong port", (o) => { deploymentContainer(o).livenessProbe.grpc.port = 50052; },
      "livenessProbe probes port 50052"],
    ["too short a startup budget", (o) => { deploymentContainer(o).startupProbe.failureThreshold = 5; },
      "cold compile"],
    ["a policy selecting other pods", (o) => {
      find(o, "NetworkPolicy").spec.podSelector.matchLabels["app.kubernetes.io/name"] = "other";
    }, "NetworkPolicy/moderationd: selects no"],
    ["a Service naming a missing port", (o) => { find(o, "Service").spec.ports[0].targetPort = "gprc"; },
      "names port gprc"],
    ["--rules off the ConfigMap mount", (o) => {
      const c = deploymentContainer(o);
      c.args = c.args.map((a) => (a.startsWith("--rules=") ? "--rules=/rules" : a));
    }, "--rules=/rules is not a ConfigMap mount"],
    ["a grace period shorter than the drain", (o) => {
      find(o, "Deployment").spec.template.spec.terminationGracePeriodSeconds = 12;
    }, "terminationGracePeriodSeconds"],
    ["an HPA on another target", (o) => { find(o, "HorizontalPodAutoscaler").spec.scaleTargetRef.name = "x"; },
      "scales Deployment/x"],
  ];
  for (const [what, mutate, expected] of cases) {
    const objects = overlay();
    assert.deepEqual(checkWiring(objects), [], "unchanged manifests pass");
    mutate(objects);
    const problems = checkWiring(objects);
    assert.ok(mentions(problems, expected), `${what}: expected "${expected}" in:\n${problems.join("\n")}`);
  }
});

test("the rules ConfigMap must hold exactly the rule files, unchanged", () => {
  const objects = overlay();
  const holding = (key) => objects.find((o) => o.kind === "ConfigMap" && key in (o.data ?? {}));
  delete holding("spam.yaml").data["spam.yaml"];
  holding("de.yaml").data["de.yaml"] += "\n# edited\n";
  const problems = rulesProblems(objects, rulesDir);
  assert.ok(mentions(problems, "lacks spam.yaml"), problems.join("\n"));
  assert.ok(mentions(problems, "de.yaml differs"), problems.join("\n"));
});

test("a rule ConfigMap over 1 MiB, or a file in both, is reported", () => {
  const objects = overlay();
  const { names } = rulesConfigMap(objects);
  assert.equal(names.length, 5, "the example overlay spreads the rules over five ConfigMaps");
  assert.deepEqual(rulesConfigMap(objects).problems, []);
  const [first, ...others] = names.map((n) => objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === n));
  for (const other of others) Object.assign(first.data, other.data);  // everything in one ConfigMap, as before 2026-12-05
  const problems = rulesProblems(objects, rulesDir);
  assert.ok(mentions(problems, "over the API server's 1 MiB limit"), problems.join("\n"));
  assert.ok(mentions(problems, "is in two rule ConfigMaps"), problems.join("\n"));
});

test("the size limit counts keys and values in bytes, up to exactly 1 MiB", () => {
  const sized = (bytes) => {
    const objects = overlay();
    const [name] = rulesConfigMap(objects).names;
    const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === name);
    // "ü" is two bytes: a limit counted in characters would let this pass.
    cm.data = { "x.yaml": "ü".repeat((bytes - "x.yaml".length) / 2) };
    return rulesConfigMap(objects).problems;
  };
  assert.deepEqual(sized(CONFIGMAP_MAX_BYTES), []);
  assert.ok(mentions(sized(CONFIGMAP_MAX_BYTES + 2), "over the API server's 1 MiB limit"));
});

test("the rule ConfigMaps are the ones the Deployment mounts, whatever their names", () => {
  const objects = overlay();
  const [name] = rulesConfigMap(objects).names;
  const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === name);
  const volume = deploymentPod(objects).volumes.find((v) => v.projected || v.configMap);
  const source = (volume.projected?.sources ?? [volume]).find((s) => s.configMap.name === name).configMap;
  cm.metadata.name = source.name = "community-rules-a";
  assert.ok(rulesConfigMap(objects).names.includes("community-rules-a"));
  assert.deepEqual(rulesProblems(objects, rulesDir), []);
});

// --- the real server on the rendered Deployment and ConfigMap -------------

// Writes the ConfigMap as the kubelet does: files in a timestamped directory,
// `..data` pointing at it, and one link per key through `..data`.
function writeKubeletConfigMap(dir, data, generation) {
  const stamp = `..2026_12_02_00_00_0${generation}.000000000`;
  mkdirSync(join(dir, stamp));
  for (const [key, value] of Object.entries(data)) writeFileSync(join(dir, stamp, key), value);
  symlinkSync(stamp, join(dir, "..data_tmp"));
  renameSync(join(dir, "..data_tmp"), join(dir, "..data"));  // the atomic swap
  for (const key of Object.keys(data)) {
    if (!existsSync(join(dir, key))) symlinkSync(join("..data", key), join(dir, key));
  }
}

// The container's flags with the in-container paths mapped to local ones and
// listeners on loopback with ephemeral ports.
function localFlags(container, paths, portFile) {
  const args = container.args.map((arg) => {
    const [flag, value] = arg.split(/=(.*)/s);
    if (flag === "--listen" || flag === "--metrics_listen") return `${flag}=127.0.0.1:0`;
    return paths[value] ? `${flag}=${paths[value]}` : arg;
  });
  return [...args, `--port_file=${portFile}`, "--reload_debounce=100ms"];
}

// A Kubernetes memory quantity ("3Gi", "1536Mi", "2G", "1000000") in bytes.
function quantityBytes(quantity) {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(quantity));
  assert.ok(m, `cannot read the memory quantity ${quantity}`);
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Number(m[1]) * (m[2] ? unit[m[2]] : 1);
}

// The peak resident set of a process so far (VmHWM), in bytes.
function peakResidentBytes(pid) {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  assert.ok(m, `no VmHWM for process ${pid}`);
  return Number(m[1]) * 1024;
}

function waitFor(predicate, what, ms) {
  return new Promise((resolvePromise, reject) => {
    const deadline = Date.now() + ms;
    const poll = () => {
      if (predicate()) return resolvePromise();
      if (Date.now() > deadline) return reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      setTimeout(poll, 50);
    };
    poll();
  });
}

// The cache is empty, as in a new pod (an emptyDir): the compile is what
// needs the most memory (1.9 GB for the default rules of 2026-12-05, when
// the limit was 1Gi and every new pod would have been OOM-killed; 1.65 GB
// once each rule set was compiled once for all combinations).
test("moderationd starts with the Deployment's flags from an empty cache within its memory limit and reloads on a ConfigMap swap",
  { skip: !process.env.MODERATIOND && "set MODERATIOND to the server binary", timeout: 420000 },
  async () => {
    const objects = overlay();
    const container = deploymentContainer(objects);
    const limit = quantityBytes(container.resources.limits.memory);
    const cm = { data: rulesConfigMap(objects).data };  // the projected directory
    const work = mkdtempSync(join(tmpdir(), "k8s-pod-"));
    const rules = join(work, "rules");
    mkdirSync(rules);
    writeKubeletConfigMap(rules, cm.data, 1);
    const cache = join(work, "cache");
    mkdirSync(cache, { recursive: true });
    const mounts = Object.fromEntries(container.volumeMounts.map((m) => [m.mountPath, m.name]));
    const paths = {};
    for (const [mountPath, name] of Object.entries(mounts)) paths[mountPath] = name === "rules" ? rules : cache;
    const portFile = join(work, "ports.json");
    const server = spawn(process.env.MODERATIOND, localFlags(container, paths, portFile),
      { stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    server.stderr.on("data", (chunk) => { log += chunk; });
    const exited = new Promise((r) => server.on("exit", (code, signal) => r({ code, signal })));
    try {
      await waitFor(() => /"event":"serving"/.test(log), "the serving event", 300000);
      assert.match(log, /"event":"serving".*"ready":true/);
      // The largest file changes too: the reload parses it and compiles
      // its rule set beside the serving one.
      const next = { ...cm.data };
      for (const key of ["spam.yaml", "de.yaml"]) {
        next[key] = cm.data[key].replace(/^version: .*$/m, 'version: "k8s-swap"');
      }
      writeKubeletConfigMap(rules, next, 2);
      await waitFor(() => /"event":"rules_loaded"[^\n]*spam@k8s-swap/.test(log), "a reload with the new spam version", 90000);
      const peak = peakResidentBytes(server.pid);
      const mib = (bytes) => `${Math.round(bytes / 2 ** 20)} MiB`;
      console.log(`moderationd peak resident memory ${mib(peak)}, limit ${mib(limit)}`);
      assert.ok(peak <= 0.8 * limit,
        `peak resident memory ${mib(peak)} is over 80 % of the Deployment's memory limit ${mib(limit)}`);
      server.kill("SIGTERM");
      assert.deepEqual(await exited, { code: 0, signal: null });
    } catch (error) {
      console.error(`moderationd's log:\n${log}`);
      throw error;
    } finally {
      server.kill("SIGKILL");
      rmSync(work, { recursive: true, force: true });
    }
  });
