#!/usr/bin/env bash
# Builds the solution and runs every test project; ends with "N passed, N failed[, N skipped]".
# Installs redis-server (integration tests start their own), kubectl (the manifest tests render with its kustomize)
# iproute2 (the pod tier's network namespaces) and rabbitmq-server (the RabbitMQ destination's tests start their own)
# when they are missing and we are root.
set -euo pipefail
cd "$(dirname "$0")/.."

configuration="${CONFIGURATION:-Release}"
results="artifacts/test-results"

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v kubectl >/dev/null 2>&1 || missing+=(kubectl)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${missing[*]}..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  elif ! command -v redis-server >/dev/null 2>&1; then
    echo "redis-server is required for the integration tests: install it (apt-get install redis-server)." >&2
    exit 1
  fi
fi

# python3 runs the python3.* Lambda runtimes (and builds the zips of the compatibility suite).
if ! command -v python3 >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing python3..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 >/dev/null
fi

# rabbitmq-server: the RabbitMQ destination's tests start their own broker (its own node name, ports and data) and
# are skipped where it is missing. The package starts a system broker on install; the tests do not use it, so it is stopped.
if [ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing rabbitmq-server..."
  apt-get update -qq
  if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null; then
    service rabbitmq-server stop >/dev/null 2>&1 || true
  else
    echo "rabbitmq-server could not be installed: the RabbitMQ destination tests will be skipped." >&2
  fi
fi

# curl is what the custom-runtime (provided.al2023) bootstrap of AWS's tutorial talks to the Runtime API with.
if ! command -v curl >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing curl..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null
fi

# The AWS CLI takes part in the compatibility suite (its tests report themselves skipped without it).
if ! command -v aws >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing awscli..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli >/dev/null || echo "awscli could not be installed: its compatibility tests will be skipped." >&2
fi

# Debian's chromium drives the web console in the compatibility suite (its test reports itself skipped without it).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing chromium..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || echo "chromium could not be installed: the console test will be skipped." >&2
fi

# aws-lambda-ric, the conformance client of the Runtime API, compiles its native part (aws-lambda-cpp, curl) on
# install, which takes minutes: it builds in the background at low priority while the .NET tests run, and its test
# reports itself skipped when it cannot be built here.
ric_build=""
if command -v npm >/dev/null 2>&1 && [ ! -f tests/compat/ric/node_modules/aws-lambda-ric/dist/rapid-client.node ]; then
  ric_tools=()
  for tool in autoreconf:autoconf automake:automake libtoolize:libtool make:make g++:g++ cmake:cmake; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || ric_tools+=("${tool#*:}")
  done
  if [ "${#ric_tools[@]}" -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${ric_tools[*]} (to build aws-lambda-ric)..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${ric_tools[@]}" >/dev/null || true
  fi
  mkdir -p artifacts
  (cd tests/compat/ric && nice -n 19 npm ci --no-audit --no-fund --loglevel=error) >artifacts/ric-build.log 2>&1 &
  ric_build=$!
fi

dotnet build Orleans.AsyncInvoke.sln -c "$configuration" -nologo -clp:ErrorsOnly -warnaserror

rm -rf "$results"
status=0
dotnet test Orleans.AsyncInvoke.sln -c "$configuration" --no-build -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@" || status=$?

passed=0; failed=0; skipped=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  value() { printf '%s' "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(value total); executed=$(value executed)
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
done

# Compatibility suite: the real AWS SDK for JavaScript (from npm) against the silo executable.
compat_status=0
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  (cd tests/compat && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  if [ -n "$ric_build" ]; then
    echo "Waiting for the aws-lambda-ric build..."
    wait "$ric_build" || echo "aws-lambda-ric could not be built: its conformance test will be skipped (see artifacts/ric-build.log)." >&2
  fi
  tap="$results/compat.tap"
  (cd tests/compat && CONFIGURATION="$configuration" node --test \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="../../$tap") || compat_status=$?
  passed=$((passed + $(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap" | tail -1)))
  skipped=$((skipped + $(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$tap" | tail -1)))
  failed=$((failed + $(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap" | tail -1) + $(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "$tap" | tail -1)))
  if [ "$compat_status" -ne 0 ] && [ "$status" -eq 0 ]; then status=$compat_status; fi
else
  echo "node and npm are required for the compatibility suite (tests/compat)." >&2
  failed=$((failed + 1))
fi

# Manifest suite: the rendered Kubernetes manifests against the Kubernetes schemas (kubernetes-models, from npm).
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && command -v kubectl >/dev/null 2>&1; then
  manifests_status=0
  (cd tests/kubernetes && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  tap="$results/kubernetes.tap"
  (cd tests/kubernetes && node --test \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="../../$tap") || manifests_status=$?
  passed=$((passed + $(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap" | tail -1)))
  failed=$((failed + $(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap" | tail -1) + $(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "$tap" | tail -1)))
  if [ "$manifests_status" -ne 0 ] && [ "$status" -eq 0 ]; then status=$manifests_status; fi
else
  echo "node, npm and kubectl are required for the manifest suite (tests/kubernetes)." >&2
  failed=$((failed + 1))
fi

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The runner failed without a counted test failure (crash, build or discovery error).
  failed=1
fi

if [ -f "$results/pod-tier.txt" ]; then
  echo "Pod tier figures:"
  cat "$results/pod-tier.txt"
fi

if [ -f "$results/redis-cluster.txt" ]; then
  echo "Redis Cluster tier figures:"
  cat "$results/redis-cluster.txt"
fi

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
