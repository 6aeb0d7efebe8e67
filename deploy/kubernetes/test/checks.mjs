// The checks behind validate.mjs (see there), as functions for the CLI and
// the tests: each returns a list of problems, "<kind>/<name>: <what>".
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { checkWiring, rulesSources } from "./wiring.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

// apiVersion/kind -> the module that models it. Anything else is an error:
// an object no check understands must not pass silently.
const MODELS = {
  "v1/Namespace": "kubernetes-models/v1/Namespace",
  "v1/ServiceAccount": "kubernetes-models/v1/ServiceAccount",
  "v1/ConfigMap": "kubernetes-models/v1/ConfigMap",
  "v1/Service": "kubernetes-models/v1/Service",
  "apps/v1/Deployment": "kubernetes-models/apps/v1/Deployment",
  "autoscaling/v2/HorizontalPodAutoscaler": "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler",
  "policy/v1/PodDisruptionBudget": "kubernetes-models/policy/v1/PodDisruptionBudget",
  "networking.k8s.io/v1/NetworkPolicy": "kubernetes-models/networking.k8s.io/v1/NetworkPolicy",
  "monitoring.coreos.com/v1/PodMonitor":
    "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor",
  "monitoring.coreos.com/v1/ServiceMonitor":
    "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor",
};

const label = (o) => `${o?.kind ?? "?"}/${o?.metadata?.name ?? "?"}`;

export function schemaProblems(objects) {
  const problems = [];
  for (const o of objects) {
    const module = MODELS[`${o.apiVersion}/${o.kind}`];
    if (!module) {
      problems.push(`${label(o)}: no schema known for ${o.apiVersion} ${o.kind}`);
      continue;
    }
    const Model = require(module)[o.kind];
    try {
      new Model(o).validate();
    } catch (error) {
      problems.push(`${label(o)}: schema: ${error.message}`);
    }
  }
  return problems;
}

// Each object becomes `const o3: IDeployment = {...};`. tsc reports a field
// the type lacks as TS2353 ("Object literal may only specify known
// properties"), a wrong type as TS2322, a missing required field as TS2741.
export function strictFieldProblems(objects) {
  const lines = [];
  objects.forEach((o, i) => {
    const module = MODELS[`${o.apiVersion}/${o.kind}`];
    if (!module) return;
    lines.push(`import type { I${o.kind} as T${i} } from "${module}";`);
    lines.push(`export const o${i}: T${i} = ${JSON.stringify(o, null, 1)};`);
  });
  // Inside this directory, so that tsc finds node_modules/ beside it.
  const dir = mkdtempSync(join(here, ".strict-"));
  try {
    const file = join(dir, "manifests.ts");
    writeFileSync(file, lines.join("\n") + "\n");
    const tsc = require.resolve("typescript/bin/tsc");
    execFileSync(process.execPath, [tsc, "--noEmit", "--strict", "--skipLibCheck",
      "--module", "commonjs", "--moduleResolution", "node10", file], { cwd: here, stdio: "pipe" });
    return [];
  } catch (error) {
    const out = `${error.stdout ?? ""}${error.stderr ?? ""}`.trim();
    return explainTscErrors(out, objects, readFileSync(join(dir, "manifests.ts"), "utf8"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// tsc names a line of the generated file; name the object it belongs to.
function explainTscErrors(output, objects, source) {
  const sourceLines = source.split("\n");
  const problems = [];
  for (const line of output.split("\n")) {
    const m = /manifests\.ts\((\d+),\d+\): error (TS\d+): (.*)/.exec(line);
    if (!m) {
      if (line.trim()) problems.push(`tsc: ${line.trim()}`);
      continue;
    }
    let index = -1;
    for (let n = Number(m[1]) - 1; n >= 0 && index < 0; n--) {
      const decl = /^export const o(\d+):|^import type .* as T(\d+) /.exec(sourceLines[n]);
      if (decl) index = Number(decl[1] ?? decl[2]);
    }
    problems.push(`${label(objects[index])}: fields (${m[2]}): ${m[3]}`);
  }
  return problems.length ? problems : [`tsc failed: ${output}`];
}

// The API server rejects a ConfigMap whose data is larger than 1 MiB.
export const CONFIGMAP_MAX_BYTES = 1024 * 1024;

// The rule ConfigMaps (those the Deployment mounts at its --rules directory,
// in the example overlay moderationd-rules, -2, -3 and -4 projected
// into one directory) as one directory: their names, their files, and a
// problem for a file in two of them or a ConfigMap over the size limit.
export function rulesConfigMap(objects) {
  const names = rulesSources(objects).map((s) => s.name);
  const cms = objects.filter((o) => o.kind === "ConfigMap" && names.includes(o.metadata?.name));
  const data = {};
  const problems = [];
  for (const cm of cms) {
    let bytes = 0;
    for (const [key, value] of Object.entries(cm.data ?? {})) {
      bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
      if (key in data) problems.push(`${label(cm)}: ${key} is in two rule ConfigMaps`);
      data[key] = value;
    }
    if (bytes > CONFIGMAP_MAX_BYTES)
      problems.push(`${label(cm)}: ${bytes} bytes, over the API server's 1 MiB limit (move a file to another rule ConfigMap)`);
  }
  return { names: cms.map((cm) => cm.metadata.name), data, problems };
}

export function rulesProblems(objects, rulesDir) {
  const rules = rulesConfigMap(objects);
  if (!rules.names.length) return ["ConfigMap: the Deployment's --rules mount names no rendered ConfigMap"];
  const where = `ConfigMap/${rules.names.join("+")}`;
  const want = readdirSync(rulesDir).filter((f) => f.endsWith(".yaml")).sort();
  const have = Object.keys(rules.data).sort();
  const problems = [...rules.problems];
  for (const f of want.filter((f) => !have.includes(f)))
    problems.push(`${where}: lacks ${f} from ${rulesDir} (add it to configMapGenerator.files)`);
  for (const f of have.filter((f) => !want.includes(f)))
    problems.push(`${where}: holds ${f}, which ${rulesDir} does not have`);
  for (const f of have.filter((f) => want.includes(f))) {
    if (rules.data[f] !== readFileSync(join(rulesDir, f), "utf8"))
      problems.push(`${where}: ${f} differs from ${join(rulesDir, f)}`);
  }
  return problems;
}

// Every check over rendered objects; rulesDir (optional) is the directory
// whose *.yaml files the rules ConfigMap must hold.
export function validateObjects(objects, { rulesDir } = {}) {
  return [
    ...schemaProblems(objects),
    ...strictFieldProblems(objects),
    ...checkWiring(objects),
    ...(rulesDir ? rulesProblems(objects, rulesDir) : []),
  ];
}

export const describe = label;
