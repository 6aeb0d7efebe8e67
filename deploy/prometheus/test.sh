#!/usr/bin/env bash
# Checks deploy/prometheus and deploy/grafana (a step of scripts/test.sh):
#   1. promtool check config prometheus.yml   (the scrape configuration)
#   2. promtool check rules alerts.yml        (syntax, PromQL)
#   3. promtool test rules alerts_test.yml    (each alert fires on its own data)
#      and community_baseline_test.yml        (four weeks of hour-of-week baselines)
#   4. check_metrics.py: every metric the alerts and the dashboard query
#      exists in a real moderationd's /metrics
#
#   BUILD_DIR=/abs/build bash deploy/prometheus/test.sh
#
# Environment: BUILD_DIR (default: build, from the repository root),
# MODERATIOND_CACHE_DIR (a Hyperscan cache to reuse; default none).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="${BUILD_DIR:-$repo/build}"
cache="${MODERATIOND_CACHE_DIR:-}"

cd "$here"
promtool check config prometheus.yml
promtool check rules alerts.yml
promtool test rules alerts_test.yml community_baseline_test.yml
/usr/bin/python3 check_metrics.py --server "$build/server/moderationd" --gen "$build/proto/python" \
  --rules "$repo/rules" ${cache:+--cache-dir "$cache"}
