# Shared by data/fetch-*.sh (source it after setting NAME, e.g. NAME=fetch-nab): the command line
# (DEST [--mirror DIR] into DEST and MIRROR), get NAME URL, and the md5 check of the MD5 table.

usage() { echo "usage: $0 DEST [--mirror DIR]" >&2; exit 2; }

parse_args() {
  [[ $# -ge 1 ]] || usage
  DEST=$1; shift
  MIRROR=
  while [[ $# -gt 0 ]]; do
    case $1 in
      --mirror) [[ $# -ge 2 ]] || usage; MIRROR=$2; shift 2 ;;
      *) usage ;;
    esac
  done
  mkdir -p "$DEST"
}

# get FILE URL: copy FILE from the mirror (FILE or FILE.gz there) or download URL.
get() {
  local file=$1 url=$2
  if [[ -n $MIRROR ]]; then
    if [[ -f "$MIRROR/$file" ]]; then cp "$MIRROR/$file" "$DEST/$file"
    elif [[ -f "$MIRROR/$file.gz" ]]; then cp "$MIRROR/$file.gz" "$DEST/$file.gz"
    else echo "$NAME: $file is not in mirror $MIRROR" >&2; exit 1; fi
  else
    curl -fsSL --retry 3 -o "$DEST/$file.part" "$url" && mv "$DEST/$file.part" "$DEST/$file"
  fi
}

# Checks every file of the associative array MD5 (file -> md5); sets STATUS to 1 on a mismatch.
check_md5() {
  STATUS=0
  local file sum
  for file in "${!MD5[@]}"; do
    sum=$(md5sum "$DEST/$file" | cut -d' ' -f1)
    if [[ $sum != "${MD5[$file]}" ]]; then
      echo "$NAME: md5 of $file is $sum, expected ${MD5[$file]}" >&2; STATUS=1
    else
      echo "$NAME: $file ok ($sum)"
    fi
  done
}
