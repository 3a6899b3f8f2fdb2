#!/usr/bin/env bash
# Fetches the KDD Cup 1999 files Vigil's KDD configs need into DEST and checks their md5:
#   kddcup.data_10_percent.gz, corrected.gz, training_attack_types.txt  (UCI KDD archive)
#   deepad_8020/{test,val}_{inliers,outliers}.csv                         (fastforwardlabs/deepad, Apache-2.0)
#
#   data/fetch-kdd.sh DEST                 download from the original sources
#   data/fetch-kdd.sh DEST --mirror DIR    copy from a local mirror with the same layout (e.g. ../shared/data/kdd)
#
# Then point the configs at DEST: VIGIL_SHARED_DATA=<parent of DEST> or --set prepare.source=DEST.
set -euo pipefail

UCI=http://kdd.ics.uci.edu/databases/kddcup99
DEEPAD=https://raw.githubusercontent.com/fastforwardlabs/deepad/master/data/kdd
declare -A MD5=(
  [kddcup.data_10_percent.gz]=aef2e2f207a408ad7a36323a511f195f
  [corrected.gz]=eda94feeebfb21637338f599c1bf18be
)

usage() { echo "usage: $0 DEST [--mirror DIR]" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
DEST=$1; shift
MIRROR=
while [[ $# -gt 0 ]]; do
  case $1 in
    --mirror) [[ $# -ge 2 ]] || usage; MIRROR=$2; shift 2 ;;
    *) usage ;;
  esac
done
mkdir -p "$DEST/deepad_8020"

# get NAME URL: copy NAME from the mirror (NAME or NAME.gz there) or download URL.
get() {
  local name=$1 url=$2
  if [[ -n $MIRROR ]]; then
    if [[ -f "$MIRROR/$name" ]]; then cp "$MIRROR/$name" "$DEST/$name"
    elif [[ -f "$MIRROR/$name.gz" ]]; then cp "$MIRROR/$name.gz" "$DEST/$name.gz"
    else echo "fetch-kdd: $name is not in mirror $MIRROR" >&2; exit 1; fi
  else
    curl -fsSL --retry 3 -o "$DEST/$name.part" "$url" && mv "$DEST/$name.part" "$DEST/$name"
  fi
}

get kddcup.data_10_percent.gz "$UCI/kddcup.data_10_percent.gz"
get corrected.gz "$UCI/corrected.gz"
get training_attack_types.txt "$UCI/training_attack_types"
for f in test_inliers test_outliers val_inliers val_outliers; do
  get "deepad_8020/$f.csv" "$DEEPAD/8020/$f.csv"
done

status=0
for name in "${!MD5[@]}"; do
  sum=$(md5sum "$DEST/$name" | cut -d' ' -f1)
  if [[ $sum != "${MD5[$name]}" ]]; then
    echo "fetch-kdd: md5 of $name is $sum, expected ${MD5[$name]}" >&2; status=1
  else
    echo "fetch-kdd: $name ok ($sum)"
  fi
done
grep -q '^smurf dos' "$DEST/training_attack_types.txt" || { echo "fetch-kdd: training_attack_types.txt looks wrong" >&2; status=1; }
exit $status
