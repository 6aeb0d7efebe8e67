#!/usr/bin/python3
"""Prints what a benchmark run ran on, as JSON, for bench/report.py.

CPU model and count, memory, kernel, compiler, the build type and its
flags (from the CMake cache), the Debian versions of the libraries the
numbers depend on, the git commit, and how the processes were pinned.
bench/run.sh passes the settings in the environment (BUILD_DIR, BUILD_TYPE,
SIZE, SERVER_CPUS, CLIENT_CPUS, THREADS).
"""

import datetime
import json
import os
import re
import subprocess
import sys

# Debian packages whose versions decide the numbers.
PACKAGES = ["libhyperscan5", "libre2-9", "libgrpc++1.51", "libprotobuf32",
            "libabsl20220623", "libutf8proc2", "libicu72", "libbenchmark1debian",
            "g++-12", "nodejs"]


def run(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return run("uname", "-m")


def memory():
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            kib = int(f.readline().split()[1])
        return "%.1f GiB" % (kib / 1024 / 1024)
    except (OSError, ValueError, IndexError):
        return ""


def cmake_cache(build_dir, key):
    try:
        with open(os.path.join(build_dir, "CMakeCache.txt"), encoding="utf-8") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return ""


def library_versions():
    out = {}
    for pkg in PACKAGES:
        v = run("dpkg-query", "-W", "-f=${Version}", pkg)
        if v:
            out[pkg] = v
    lock = os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers", "package-lock.json")
    try:
        with open(lock, encoding="utf-8") as f:
            packages = json.load(f).get("packages", {})
        for name in ("obscenity", "bad-words"):
            entry = packages.get("node_modules/" + name)
            if entry:
                out["npm " + name] = entry.get("version", "?")
    except (OSError, ValueError):
        pass
    return out


def main():
    env = os.environ
    build_dir = env.get("BUILD_DIR", "build-release")
    build_type = env.get("BUILD_TYPE", "Release")
    model = cpu_model()
    cores = os.cpu_count() or 0
    slug = re.sub(r"[^a-z0-9]+", "-", model.lower()).strip("-")
    slug = re.sub(r"-(processor|cpu)\b.*$", "", slug)[:32].strip("-") or "unknown"
    flags = " ".join(x for x in (cmake_cache(build_dir, "CMAKE_CXX_FLAGS"),
                                 cmake_cache(build_dir, "CMAKE_CXX_FLAGS_" + build_type.upper()))
                     if x)
    server_cpus, client_cpus = env.get("SERVER_CPUS", "0"), env.get("CLIENT_CPUS", "1")
    info = {
        "date": datetime.date.today().isoformat(),
        "time": datetime.datetime.now().isoformat(timespec="seconds"),
        "size": env.get("SIZE", ""),
        "machine_id": "%s-%dcpu" % (slug, cores),
        "cpu": model,
        "cores": cores,
        "memory": memory(),
        "kernel": run("uname", "-sr"),
        "compiler": run("c++", "--version").splitlines()[0] if run("c++", "--version") else "",
        "build": build_type,
        "flags": flags + " (engine/text adds -O3)",
        "commit": run("git", "rev-parse", "--short", "HEAD") +
                  (" (with local changes)" if run("git", "status", "--porcelain", "--untracked-files=no") else ""),
        "libraries": library_versions(),
        "pinning": "engine_bench and the servers on CPU %s, loadgen on CPU %s (taskset)"
                   % (server_cpus, client_cpus),
        "service_note": ("Client and server share this %d-CPU machine: the servers (echo and "
                         "moderationd, both --threads=%s) are pinned to CPU %s and loadgen to "
                         "CPU %s. Echo and moderationd runs alternate within each repetition."
                         % (cores, env.get("THREADS", "?"), server_cpus, client_cpus)),
    }
    json.dump(info, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
