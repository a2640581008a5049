#!/usr/bin/env bash
# Rebuilds data-samples/{digits,fashion}/{train,test}.parquet from Debian's packages:
#   apt-get install python3-sklearn dataset-fashion-mnist
# make_idx.py writes the subsets as IDX files, then `jobs/linprobe import-idx` converts them.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 "$here/make_idx.py" "$tmp"
for ds in digits fashion; do
  for split in train test; do
    "$here/../jobs/linprobe" import-idx --overwrite \
      --images "$tmp/$ds-$split-images-idx3-ubyte" --labels "$tmp/$ds-$split-labels-idx1-ubyte" \
      --out "$here/$ds/$split.parquet"
  done
done
du -sh "$here"/digits "$here"/fashion
