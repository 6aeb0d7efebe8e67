"""A fleet of moderationd replicas behind HAProxy, on loopback, for tests.

Each replica is a real moderationd process with its own copy of the rules
(so a rollout can reach one replica at a time), all sharing one Hyperscan
cache. HAProxy terminates the clients' HTTP/2 (h2c) and spreads gRPC calls
over the replicas, checking each replica's /readyz on its metrics port, so a
replica that is down, compiling or draining gets no new calls.

    fleet = Fleet(server, rules, work_dir, cache_dir, replicas=3)
    fleet.start()              # replicas ready, HAProxy up: fleet.target
    fleet.kill(1); fleet.restart(1)
    fleet.roll_out("spam.yaml", "fleet-2")
    fleet.drain(2)             # SIGTERM; returns the exit code
    fleet.stop()

Not thread-safe: one thread drives the fleet; load generators only use
fleet.target.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import grpc

REPLICA_START_TIMEOUT = 120  # a cold compile of the default rules takes 10-14 s
PROBE_COMMUNITY = "forum-de"  # uses every shipped rule set


def free_port():
    """A port nothing listens on now (HAProxy has no port file)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def set_version(path, version):
    """Rewrites a rule file's `version:` line, atomically (write, then rename)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    new_text, count = re.subn(r'(?m)^version: .*$', 'version: "%s"' % version, text, count=1)
    if count != 1:
        raise ValueError("%s has no top-level version line" % path)
    temp = path + ".tmp-rollout"
    with open(temp, "w", encoding="utf-8") as f:
        f.write(new_text)
    os.rename(temp, path)


class Replica:
    """One moderationd process with its own rules directory and ports."""

    def __init__(self, index, server, rules_source, work_dir, cache_dir, extra_flags):
        self.index = index
        self.server = server
        self.dir = os.path.join(work_dir, "replica-%d" % index)
        self.rules = os.path.join(self.dir, "rules")
        os.makedirs(self.dir)
        shutil.copytree(rules_source, self.rules, ignore=shutil.ignore_patterns("*.md"))
        self.cache_dir = cache_dir
        self.extra_flags = list(extra_flags)
        self.proc = None
        self.ports = None  # {"grpc": N, "metrics": M}, fixed after the first start
        self.starts = 0

    def start(self):
        """Starts the process; on restarts it reuses the same ports."""
        port_file = os.path.join(self.dir, "ports.json")
        if os.path.exists(port_file):
            os.unlink(port_file)
        listen = "127.0.0.1:%d" % (self.ports["grpc"] if self.ports else 0)
        metrics = "127.0.0.1:%d" % (self.ports["metrics"] if self.ports else 0)
        self.starts += 1
        log = open(os.path.join(self.dir, "stderr-%d.log" % self.starts), "wb")
        self.proc = subprocess.Popen(
            [self.server, "--listen=" + listen, "--metrics_listen=" + metrics, "--rules=" + self.rules,
             "--cache_dir=" + self.cache_dir, "--port_file=" + port_file, "--reload_debounce=50ms"]
            + self.extra_flags,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)
        log.close()
        self.ports = self._wait_for_port_file(port_file)

    def _wait_for_port_file(self, path):
        deadline = time.monotonic() + REPLICA_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("replica %d exited with %s:\n%s" % (self.index, self.proc.returncode, self.log()))
            try:
                with open(path) as f:
                    ports = json.load(f)
                if ports.get("grpc"):
                    return ports
            except (OSError, ValueError):
                pass
            time.sleep(0.02)
        raise RuntimeError("replica %d wrote no port file within %d s" % (self.index, REPLICA_START_TIMEOUT))

    def ready(self):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/readyz" % self.ports["metrics"], timeout=1) as r:
                return r.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def wait_ready(self, timeout=REPLICA_START_TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ready():
                return
            time.sleep(0.02)
        raise RuntimeError("replica %d not ready within %d s:\n%s" % (self.index, timeout, self.log()))

    def log(self):
        path = os.path.join(self.dir, "stderr-%d.log" % self.starts)
        try:
            with open(path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-4000:]
        except OSError:
            return ""

    def alive(self):
        return self.proc is not None and self.proc.poll() is None


class Fleet:
    """N replicas and one HAProxy in front of them."""

    def __init__(self, server, rules, work_dir, cache_dir, replicas=3, haproxy="haproxy",
                 replica_flags=()):
        self.work_dir = work_dir
        self.haproxy_binary = haproxy
        self.replicas = [Replica(i, server, rules, work_dir, cache_dir, replica_flags) for i in range(replicas)]
        self.haproxy = None
        self.port = None

    @property
    def target(self):
        return "127.0.0.1:%d" % self.port

    def start(self):
        # The first replica fills the cache; the others then load from it.
        self.replicas[0].start()
        self.replicas[0].wait_ready()
        for replica in self.replicas[1:]:
            replica.start()
        for replica in self.replicas[1:]:
            replica.wait_ready()
        self._start_haproxy()

    def _haproxy_config(self):
        servers = "\n".join(
            "  server r%d 127.0.0.1:%d proto h2 check port %d" % (r.index, r.ports["grpc"], r.ports["metrics"])
            for r in self.replicas)
        return HAPROXY_CONFIG % {"port": self.port, "servers": servers}

    def _start_haproxy(self):
        self.port = free_port()
        config = os.path.join(self.work_dir, "haproxy.cfg")
        with open(config, "w") as f:
            f.write(self._haproxy_config())
        check = subprocess.run([self.haproxy_binary, "-c", "-q", "-f", config], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError("haproxy rejects %s:\n%s%s" % (config, check.stdout, check.stderr))
        log = open(os.path.join(self.work_dir, "haproxy.log"), "wb")
        self.haproxy = subprocess.Popen([self.haproxy_binary, "-db", "-f", config],
                                        stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.haproxy.poll() is not None:
                raise RuntimeError("haproxy exited with %s" % self.haproxy.returncode)
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.02)
        raise RuntimeError("haproxy did not listen within 10 s")

    def kill(self, index):
        """SIGKILL: the replica vanishes mid-call, as after an OOM kill."""
        replica = self.replicas[index]
        replica.proc.send_signal(signal.SIGKILL)
        replica.proc.wait()

    def restart(self, index):
        replica = self.replicas[index]
        replica.start()
        replica.wait_ready()

    def drain(self, index, timeout=60):
        """SIGTERM and wait; returns the exit code."""
        replica = self.replicas[index]
        replica.proc.send_signal(signal.SIGTERM)
        return replica.proc.wait(timeout=timeout)

    def judged_version(self, index, moderation_pb2, moderation_grpc):
        """The rule-set version a replica judges with now, asked directly."""
        replica = self.replicas[index]
        with grpc.insecure_channel("127.0.0.1:%d" % replica.ports["grpc"]) as channel:
            stub = moderation_grpc.ModerationServiceStub(channel)
            request = moderation_pb2.ModerateRequest(post=moderation_pb2.Post(
                post_id="version-probe", community=PROBE_COMMUNITY, body="Hallo"))
            return stub.Moderate(request, timeout=5).ruleset.version

    def roll_out(self, rule_file, version, moderation_pb2, moderation_grpc, timeout=60):
        """Changes one rule file's version on each replica in turn, waiting
        until that replica judges with it before moving to the next."""
        expected = "%s@%s" % (os.path.splitext(rule_file)[0], version)
        for replica in self.replicas:
            set_version(os.path.join(replica.rules, rule_file), version)
            deadline = time.monotonic() + timeout
            while expected not in self.judged_version(replica.index, moderation_pb2, moderation_grpc).split(","):
                if time.monotonic() > deadline:
                    raise RuntimeError("replica %d did not take %s within %d s:\n%s"
                                       % (replica.index, expected, timeout, replica.log()))
                time.sleep(0.02)

    def stop(self):
        codes = {}
        for replica in self.replicas:
            if replica.alive():
                replica.proc.send_signal(signal.SIGTERM)
                try:
                    codes[replica.index] = replica.proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    replica.proc.kill()
                    replica.proc.wait()
                    codes[replica.index] = None
        if self.haproxy is not None and self.haproxy.poll() is None:
            self.haproxy.terminate()
            try:
                self.haproxy.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.haproxy.kill()
                self.haproxy.wait()
        return codes


# HAProxy as a gRPC load balancer:
# - h2c on both sides (`proto h2`): gRPC calls are HTTP/2 streams, balanced
#   one by one, round robin;
# - active checks of each replica's /readyz (HTTP/1.1 on the metrics port;
#   `http-check connect proto h1`, since the servers' own `proto h2` would
#   otherwise apply to the checks too) every 200 ms: one failure takes a replica out (it is down, compiling or
#   draining), two successes bring it back;
# - a request that could not be sent (connection refused or reset) or that
#   got no response at all goes to another replica (`retry-on`, `redispatch`):
#   judging a post is idempotent, so a replay is safe;
# - streams may last: no idle timeout shorter than a minute.
HAPROXY_CONFIG = """\
global
  maxconn 4096
  hard-stop-after 5s

defaults
  mode http
  timeout connect 1s
  timeout client 60s
  timeout server 60s
  timeout check 1s
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response response-timeout

frontend grpc
  bind 127.0.0.1:%(port)d proto h2
  default_backend moderationd

backend moderationd
  balance roundrobin
  option httpchk
  http-check connect proto h1
  http-check send meth GET uri /readyz ver HTTP/1.1 hdr host localhost
  http-check expect status 200
  default-server inter 200ms fastinter 100ms downinter 100ms fall 1 rise 2
%(servers)s
"""
