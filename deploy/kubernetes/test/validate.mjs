// Offline checks of rendered Kubernetes manifests (the output of
// `kubectl kustomize`), without a cluster:
//
//   1. schema: every object against the JSON schema of its kind, from the
//      Kubernetes OpenAPI (npm kubernetes-models 4.5.1: the 1.32 API, GA and
//      beta groups) and the Prometheus Operator CRDs
//      (@kubernetes-models/prometheus-operator);
//   2. strict fields: the objects as typed TypeScript literals under `tsc`,
//      whose excess-property check rejects unknown and misspelt fields that
//      the OpenAPI schemas allow (they never set additionalProperties);
//   3. wiring: what no schema can see, e.g. that selectors match the pod
//      labels, that probes and Services point at ports that exist, that the
//      server's flags agree with the mounts, and the hardening settings.
//
//   node validate.mjs --rendered FILE [--rules DIR]
//
// --rules DIR: the ConfigMaps the Deployment mounts as its rules directory
// (moderationd-rules, -2, -3 and -4 in the example overlay), taken
// together, must hold exactly the *.yaml
// files of DIR, byte for byte. Exits 0 when every check passes, 1 otherwise,
// printing each failure as "<kind>/<name>: <problem>".
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

import yaml from "js-yaml";

import { describe, validateObjects } from "./checks.mjs";

function main() {
  const { values } = parseArgs({
    options: {
      rendered: { type: "string" },
      rules: { type: "string" },
    },
  });
  if (!values.rendered) {
    console.error("usage: node validate.mjs --rendered FILE [--rules DIR]");
    process.exit(2);
  }
  const objects = yaml.loadAll(readFileSync(values.rendered, "utf8")).filter((o) => o != null);
  const problems = validateObjects(objects, { rulesDir: values.rules });
  const kinds = objects.map(describe).join(", ");
  if (problems.length) {
    for (const p of problems) console.error(`FAIL ${p}`);
    console.error(`${values.rendered}: ${problems.length} problem(s) in ${objects.length} objects`);
    process.exit(1);
  }
  console.log(`${values.rendered}: ${objects.length} objects valid (${kinds})`);
}

main();
