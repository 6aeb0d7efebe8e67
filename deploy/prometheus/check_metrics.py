#!/usr/bin/env python3
"""Every metric that deploy/prometheus/alerts.yml and deploy/grafana/*.json
query exists in a real moderationd's /metrics.

Starts moderationd (port 0, a copy of the rules), sends it the traffic that
makes its labelled series appear (Moderate, ModerateBatch, ModerateStream, a
rule reload), scrapes /metrics and checks each referenced name. A renamed
metric would otherwise leave an alert that never fires and a panel that
stays empty, silently.

    /usr/bin/python3 deploy/prometheus/check_metrics.py --server build/server/moderationd \\
        --gen build/proto/python --rules rules [--cache-dir DIR]

Exit codes: 0 all present, 1 some missing (listed), 2 the server or the
traffic failed.
"""

import argparse
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "examples"))
import python_client  # noqa: E402  (after the path change on purpose)

# Our series, the gRPC server conventions and the standard process ones.
# Recording rules (moderation:...) and Prometheus' own `up` are not ours.
METRIC = re.compile(r"\b((?:moderation|grpc_server|process)_[a-z_]+)\b")


def queried_metrics():
    """{metric name: [where it is used]} from the alert rules and dashboards."""
    used = {}
    with open(os.path.join(HERE, "alerts.yml")) as f:
        for group in yaml.safe_load(f)["groups"]:
            for rule in group["rules"]:
                where = "alerts.yml: " + rule.get("alert", rule.get("record", "?"))
                for name in METRIC.findall(rule["expr"]):
                    used.setdefault(name, []).append(where)
    for path in sorted(glob.glob(os.path.join(REPO, "deploy", "grafana", "*.json"))):
        with open(path) as f:
            dashboard = json.load(f)
        for panel in dashboard["panels"]:
            for target in panel.get("targets", []):
                for name in METRIC.findall(target.get("expr", "")):
                    used.setdefault(name, []).append("%s: %s" % (os.path.basename(path), panel["title"]))
    return used


def exposed_metrics(text):
    """Sample names in a Prometheus text exposition."""
    names = set()
    for line in text.splitlines():
        if line and not line.startswith("#"):
            names.add(re.split(r"[{ ]", line, maxsplit=1)[0])
    return names


class Server:
    def __init__(self, binary, rules, cache_dir):
        self.dir = tempfile.mkdtemp(prefix="moderationd_metrics_")
        shutil.copytree(rules, os.path.join(self.dir, "rules"))
        self.port_file = os.path.join(self.dir, "ports.json")
        token_file = os.path.join(self.dir, "token")
        with open(token_file, "w") as f:
            f.write("metrics-check-token\n")
        self.log = open(os.path.join(self.dir, "stderr.log"), "wb")
        self.proc = subprocess.Popen(
            [binary, "--listen=127.0.0.1:0", "--metrics_listen=127.0.0.1:0",
             "--rules=" + os.path.join(self.dir, "rules"), "--port_file=" + self.port_file,
             "--admin_token_file=" + token_file] + (["--cache_dir=" + cache_dir] if cache_dir else []),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.monotonic() + 300  # a cold compile on a busy machine
        while not os.path.exists(self.port_file) or not open(self.port_file).read().strip():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("moderationd did not come up:\n" + self.stderr())
            time.sleep(0.05)
        self.ports = json.load(open(self.port_file))

    def stderr(self):
        with open(os.path.join(self.dir, "stderr.log"), "rb") as f:
            return f.read().decode("utf-8", "replace")[-3000:]

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def send_traffic(server):
    channel = python_client.connect("127.0.0.1:%d" % server.ports["grpc"])
    stub = python_client.moderation_stub(channel)
    python_client.moderate(stub, "Du Oberbl0edm@nn, ich bring dich um!", "news-de")
    pb = python_client.load_modules()[0]
    stub.ModerateBatch(pb.ModerateBatchRequest(requests=[
        python_client.make_request("Die Regierung hat versagt.", "news-de")]), timeout=10)
    python_client.moderate_stream(stub, ["Du Blödmann.", "Guten Morgen."], "news-de")
    admin = python_client.admin_stub(channel)
    admin.ReloadRules(python_client.load_modules()[2].ReloadRulesRequest(),
                      metadata=[("authorization", "Bearer metrics-check-token")], timeout=60)
    channel.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True, help="the moderationd binary")
    parser.add_argument("--gen", required=True, help="directory with the generated moderation/v1 modules")
    parser.add_argument("--rules", default=os.path.join(REPO, "rules"), help="rules directory to copy")
    parser.add_argument("--cache-dir", help="Hyperscan cache to share between runs")
    args = parser.parse_args()
    used = queried_metrics()
    python_client.load_modules(args.gen)
    try:
        server = Server(args.server, args.rules, args.cache_dir)
    except RuntimeError as e:
        print("check_metrics: %s" % e, file=sys.stderr)
        return 2
    try:
        send_traffic(server)
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % server.ports["metrics"], timeout=10) as r:
            exposed = exposed_metrics(r.read().decode("utf-8"))
    except Exception as e:  # noqa: BLE001  (any failure here is a failed check)
        print("check_metrics: traffic or scrape failed: %r\n%s" % (e, server.stderr()), file=sys.stderr)
        return 2
    finally:
        server.stop()
    missing = {name: where for name, where in used.items() if name not in exposed}
    for name in sorted(used):
        print("%-50s %s" % (name, "MISSING" if name in missing else "ok"))
    if missing:
        for name, where in sorted(missing.items()):
            print("missing: %s (used by %s)" % (name, "; ".join(where)), file=sys.stderr)
        return 1
    print("check_metrics: all %d metrics the alerts and dashboards query are exposed" % len(used))
    return 0


if __name__ == "__main__":
    sys.exit(main())
