#!/usr/bin/env bash
# README's test command (and what CI runs, through .ci/run): installs what the tests need when it is missing, starts the
# shared moto server, runs `dotnet test`, the soak and the demo, and ends with one line "N passed, N failed[, N skipped]".
#
# Installs, only when missing (Debian packages through apt-get: needs root, or sudo without a password):
#   chromium          the dashboard preview's headless-browser test
#   clang, zlib1g-dev the Native AOT consumer test (links its native binary)
#   python3-pytest    writes the real JUnit report that `nbaobs publish tests` is tested with
#   strace            the spool's directory fsyncs
#   npm               installs the PromQL grammar below
#   util-linux        unshare/mount: a small tmpfs that fills up (the disk-fault tests, which need root)
#   moto 5.2.1        an AWS-compatible server (python3 -m pip install 'moto[server]==5.2.1')
#   lezer-promql      Prometheus's PromQL grammar, through npm (tests/conformance/promql)
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log=$(mktemp)
moto_pid=""
cleanup() {
  [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null && wait "$moto_pid" 2>/dev/null
  rm -f "$log"
}
trap cleanup EXIT

echo "::: dotnet $(dotnet --version)"

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo="unavailable"; fi
fi

missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v strace >/dev/null 2>&1 || missing="$missing strace"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
command -v unshare >/dev/null 2>&1 || missing="$missing util-linux"
command -v clang >/dev/null 2>&1 || missing="$missing clang"
[ -e /usr/include/zlib.h ] || missing="$missing zlib1g-dev"
/usr/bin/python3 -m pytest --version >/dev/null 2>&1 || missing="$missing python3-pytest"
if [ -n "$missing" ]; then
  if [ "$sudo" = "unavailable" ]; then
    echo "::: not installing$missing: apt-get needs root or passwordless sudo; the tests that need them will fail and name the package"
  else
    echo "::: installing$missing"
    ($sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing) >/dev/null 2>&1 \
      || echo "::: could not install$missing; the tests that need them will fail and name the package"
  fi
fi

# Prometheus's own PromQL grammar (npm, pinned by tests/conformance/promql/package-lock.json): the PromQL alarms and
# dashboards are parsed with it.
# Reinstalled whenever the lock file changed since the last install (a stamp beside node_modules).
if ! cmp -s tests/conformance/promql/package-lock.json tests/conformance/promql/node_modules/.nbasim-installed-lock; then
  echo "::: installing the PromQL grammar (npm ci)"
  if (cd tests/conformance/promql && npm ci --no-audit --no-fund >"$log" 2>&1); then
    cp tests/conformance/promql/package-lock.json tests/conformance/promql/node_modules/.nbasim-installed-lock
  else
    tail -5 "$log"
    echo "::: npm ci failed; the PromQL grammar tests will fail and say so"
  fi
fi

# moto 5.2.1 on a free loopback port: the shared server of the run (tests that need an empty account start their own).
if ! command -v moto_server >/dev/null 2>&1; then
  echo "::: installing moto 5.2.1"
  python3 -m pip install --quiet 'moto[server]==5.2.1' || echo "::: moto_server unavailable; the AWS integration tests will fail"
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
moto_server -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
moto_pid=$!
for _ in $(seq 1 300); do
  curl -fs -o /dev/null "http://127.0.0.1:$port/moto-api/" 2>/dev/null && break
  sleep 0.2
done
export NBASIM_MOTO_URL="http://127.0.0.1:$port"
echo "::: moto at $NBASIM_MOTO_URL (pid $moto_pid)"

dotnet test 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum every "total/failed/succeeded/skipped" of Microsoft.Testing.Platform's run summaries.
read -r passed failed skipped < <(awk '
  /Test run summary/ { in_summary = 1 }
  in_summary && $1 == "failed:"    { f += $2 }
  in_summary && $1 == "succeeded:" { p += $2 }
  in_summary && $1 == "skipped:"   { s += $2 }
  in_summary && $1 == "duration:"  { in_summary = 0 }
  END { printf "%d %d %d\n", p, f, s }' "$log")

# The soak tool for 10 seconds (benchmarks/, a console program): 2 threads at full speed into the CloudWatch exporter,
# reconciled against what a loopback server (a process of its own) received, with nothing dropped and the peak working
# set within 120 MB (SOAK_MAX_MB). It prints where the memory went. It counts as one more check.
echo "::: soak (10 s)"
if dotnet run -c Release --project benchmarks/NbaSim.Observability.Benchmarks -- soak 10 2 100; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi

# README's first command (the demo, no AWS account): exit 0, the EMF file with every metric name of the original
# design, the summary, and the dashboard preview. It counts as one more check.
echo "::: demo (README's first command, 5 s)"
rm -rf artifacts/demo
demo_log=$(mktemp)
if dotnet run --project samples/NbaSim.Observability.Demo -- --duration 5 > "$demo_log" 2>&1 \
   && grep -qE "EMF writes \(batched\)|PutMetricData calls \(batched\)" "$demo_log" && [ -s artifacts/demo/dashboard.html ] \
   && for m in S3ObjectCount S3TotalSizeGB ADCETasksCompleted ADCETasksFailed ADCEQueueDepth ADCESuccessRate \
               DataExtractionDuration S3UploadDuration MonthlyAWSCost BudgetUtilization S3UploadFailures ValidationPassRate \
               DIMS_S3Objects DIMS_S3SizeGB DIMS_PythonFiles DIMS_TestFiles; do grep -q "\"$m\"" artifacts/demo/metrics.emf || { echo "missing $m"; false; }; done; then
  tail -n 25 "$demo_log"
  passed=$((passed + 1))
else
  cat "$demo_log"
  failed=$((failed + 1))
fi
rm -f "$demo_log"

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build or the runner failed before any test could: count that as a failure.
  failed=1
fi

# The failed tests again, last, with their first lines of message: a CI tail must say which test failed and why.
if grep -q "^failed " "$log"; then
  echo "::: failed tests"
  awk '/^failed / { n = 7 } n > 0 { print; n-- }' "$log"
fi

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
