#!/usr/bin/env bash
# Runs the test suite with the wall clock moved to other dates (libfaketime), to catch tests and verdicts that depend on
# the calendar (a fixed timestamp that ages past CloudWatch's 14-day window, a month's first days, its last day).
# Usage: bash eng/test-on-dates.sh ["YYYY-MM-DD HH:MM:SS" ...]   (default: the last day of this month, the 1st and the 2nd
# of the next). Needs Debian's faketime (apt-get install faketime) and a built test project (dotnet build tests/...).
# Monotonic clocks stay real, so timeouts and timers behave; moto, aws-cli and every child process see the same date.
set -uo pipefail
cd "$(dirname "$0")/.."
lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -1)
[ -n "$lib" ] || { echo "libfaketime not found: apt-get install faketime" >&2; exit 2; }
if [ $# -eq 0 ]; then
  next=$(date -u -d "$(date -u +%Y-%m-01) +1 month" +%Y-%m-%d)
  set -- "$(date -u -d "$next -1 day" +%Y-%m-%d) 10:00:00" "$next 00:30:00" "$(date -u -d "$next +1 day" +%Y-%m-%d) 10:00:00"
fi
status=0
for day in "$@"; do
  log="artifacts/test-on-dates/$(echo "$day" | cut -c1-10).log"
  mkdir -p "$(dirname "$log")"
  LD_PRELOAD="$lib" FAKETIME="@$day" FAKETIME_DONT_FAKE_MONOTONIC=1 dotnet test tests/NbaSim.Observability.Tests --no-build >"$log" 2>&1 || status=1
  echo "$day: $(grep -E '^\s*(total|failed|succeeded):' "$log" | tr -s ' ' | tr '\n' ' ') (log: $log)"
done
exit $status
