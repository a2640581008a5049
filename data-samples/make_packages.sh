#!/usr/bin/env bash
# The packages dataset: Debian package descriptions labelled by archive section (README.md here).
#
#   data-samples/make_packages.sh              embeds the bundled packages/text/{train,test}.csv
#                                              into packages/{train,test}.parquet (no apt needed)
#   data-samples/make_packages.sh --from-apt   first rebuilds packages/text/ from this machine's
#                                              apt lists (apt-cache dumpavail; apt-get update if
#                                              they are empty), then embeds
#   data-samples/make_packages.sh --from-apt --text-only    rebuilds the text, no embeddings
#
# Rebuilding the text from apt replaces the frozen sample with one of whatever release and date
# the apt lists hold (recorded in packages/text/apt-release.txt).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
linprobe="$here/../jobs/linprobe"
out="$here/packages"
from_apt=0 text_only=0
for arg in "$@"; do
  case "$arg" in
    --from-apt) from_apt=1 ;;
    --text-only) text_only=1 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "make_packages.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done
if (( text_only && !from_apt )); then
  echo "make_packages.sh: --text-only rebuilds the text from apt: pass --from-apt too" >&2; exit 2
fi

if (( from_apt )); then
  command -v apt-cache >/dev/null || {
    echo "make_packages.sh: apt-cache not found: --from-apt needs a Debian or Ubuntu system" >&2
    exit 2
  }
  known="$(apt-cache dumpavail 2>/dev/null | grep -c '^Package:' || true)"
  if [[ "${known:-0}" -eq 0 ]]; then
    echo "make_packages.sh: apt knows no packages yet: running apt-get update" >&2
    if [[ $(id -u) -eq 0 ]]; then apt-get update -q >&2
    elif command -v sudo >/dev/null; then sudo apt-get update -q >&2
    else echo "make_packages.sh: run 'apt-get update' as root first" >&2; exit 2
    fi
  fi
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  apt-cache dumpavail > "$tmp/dumpavail.txt"
  "$linprobe" import-packages --overwrite --input "$tmp/dumpavail.txt" --out "$out/text"
  {
    echo "# apt lists behind text/*.csv, recorded by make_packages.sh on $(date -u +%Y-%m-%dT%H:%MZ)"
    apt-cache policy | grep -E '^ +[0-9]+ .*Packages$|^ +release ' || true
    for f in /var/lib/apt/lists/*InRelease /var/lib/apt/lists/*_Release; do
      [[ -f "$f" ]] || continue
      echo "$(basename "$f"): $(grep -E '^(Suite|Version|Codename|Date):' "$f" | tr '\n' ' ')"
    done
  } > "$out/text/apt-release.txt"
fi
(( text_only )) && exit 0

for split in train test; do
  [[ -f "$out/text/$split.csv" ]] || {
    echo "make_packages.sh: $out/text/$split.csv is missing: run with --from-apt" >&2; exit 2
  }
done
if ! "$linprobe" embed --help >/dev/null 2>&1; then
  echo "make_packages.sh: this linprobe has no embed command: build one that has it" >&2; exit 2
fi
for split in train test; do
  "$linprobe" embed --overwrite --input "$out/text/$split.csv" --text-col text \
    --label-col label --id-col id --out "$out/$split.parquet"
done
du -sh "$out"/train.parquet "$out"/test.parquet
