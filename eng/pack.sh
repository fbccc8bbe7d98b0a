#!/usr/bin/env bash
# Packs the library (NbaSim.Observability) and the tool (NbaSim.Observability.Cli, the `nbaobs` command) into a folder
# feed, by default artifacts/feed, with this commit's version, and prints that version.
#
#   bash eng/pack.sh [--output DIR] [--version X.Y.Z]
#
# The version is MAJOR.MINOR from Directory.Build.props' VersionPrefix, then:
#   .N      N = the number of commits on HEAD, for a tree with no uncommitted change. The same commit always packs to the
#           same version and, being a deterministic build, the same bytes; each later commit packs to a higher one.
#   .N.S    for a tree with uncommitted changes or untracked files: S = seconds since HEAD's commit (at least 1), so a
#           repack of changed sources never reuses a version that NuGet's global packages folder holds a copy of. It
#           outranks the clean 0.1.N of the same commit (pack again after committing: 0.1.N+1 outranks both).
# Both match README's floating reference `Version="0.1.*"`, which restores the highest version in the feed.
# The assemblies keep AssemblyVersion MAJOR.MINOR.0.0 (binding redirects never break within a minor version); the file
# version and the informational version (`nbaobs --version`, with the commit) carry the package version.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

output="artifacts/feed"
version=""
while [ $# -gt 0 ]; do
  case "$1" in
    --output) output="$2"; shift 2 ;;
    --version) version="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "pack.sh: unknown argument '$1' (expected --output DIR or --version X.Y.Z)" >&2; exit 2 ;;
  esac
done

prefix=$(sed -n 's:.*<VersionPrefix>\([0-9]*\.[0-9]*\)\..*</VersionPrefix>.*:\1:p' Directory.Build.props)
[ -n "$prefix" ] || { echo "pack.sh: no <VersionPrefix>MAJOR.MINOR.PATCH</VersionPrefix> in Directory.Build.props" >&2; exit 2; }
if [ -z "$version" ]; then
  if ! height=$(git rev-list --count HEAD 2>/dev/null); then
    echo "pack.sh: not a git clone with history; pass --version X.Y.Z" >&2; exit 2
  fi
  if [ "$(git rev-parse --is-shallow-repository)" = "true" ]; then
    echo "pack.sh: a shallow clone counts too few commits for an increasing version; run 'git fetch --unshallow' or pass --version" >&2; exit 2
  fi
  version="$prefix.$height"
  # Untracked files count: the SDK compiles every .cs file under a project, committed or not.
  if [ -n "$(git status --porcelain)" ]; then
    since=$(( $(date +%s) - $(git log -1 --format=%ct HEAD) ))
    version="$version.$(( since < 1 ? 1 : since ))"   # a commit dated in the future still gives a valid, positive part
  fi
fi
build=$(echo "$version" | sed -n 's/^[0-9]*\.[0-9]*\.\([0-9]*\).*/\1/p')
build=${build:-0}

mkdir -p "$output"
for project in src/NbaSim.Observability/NbaSim.Observability.csproj src/NbaSim.Observability.Cli/NbaSim.Observability.Cli.csproj; do
  dotnet pack "$project" -c Release -o "$output" --nologo -v quiet \
    -p:Version="$version" -p:AssemblyVersion="$prefix.0.0" -p:FileVersion="$prefix.$build.0" -p:ContinuousIntegrationBuild=true >&2
done

echo "packed $version into $(cd "$output" && pwd):" >&2
(cd "$output" && ls -1 "NbaSim.Observability.$version.nupkg" "NbaSim.Observability.$version.snupkg" \
  "NbaSim.Observability.Cli.$version.nupkg") | sed 's/^/  /' >&2
echo "$version"
