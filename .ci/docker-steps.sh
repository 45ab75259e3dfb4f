#!/usr/bin/env bash
# Runs the Dockerfile's steps without a container daemon (none is reachable on these machines): its ENV
# lines, its COPY lines into a temporary directory standing for WORKDIR, its RUN lines there — except those
# after a "# image only:" comment, which need root or apt — and then its CMD, `npm start`, as a smoke test:
# on a fresh DATA_DIR (the image's /data volume) the bot must migrate its database and answer /start in the
# local console. Prints "docker steps: ok" at the end. Usage: .ci/docker-steps.sh [--keep]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/kelisim-image-XXXXXX")
[ "${1:-}" = "--keep" ] || trap 'rm -rf "$work"' EXIT
app="$work/app"
mkdir -p "$app"

skip=0
cmd=""
declare -a envs=()
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    *\\) echo "Dockerfile: continued lines are not supported by this script: $line" >&2; exit 2 ;;
    "# image only:"*) skip=1; continue ;;
    "#"* | "") continue ;;
  esac
  instr=${line%% *}
  args=${line#* }
  case "$instr" in
    FROM | WORKDIR | USER | VOLUME | EXPOSE | HEALTHCHECK) ;;
    ENV) read -r -a pairs <<<"$args"; envs+=("${pairs[@]}") ;;
    COPY)
      read -r -a parts <<<"$args"
      dest=${parts[-1]}
      for src in "${parts[@]:0:${#parts[@]}-1}"; do
        if [ "$dest" = "./" ]; then cp -r "$repo/$src" "$app/"; else mkdir -p "$app/$dest" && cp -r "$repo/$src/." "$app/$dest/"; fi
      done ;;
    RUN)
      if [ "$skip" = 1 ]; then echo "skipped (image only): $args"; skip=0; continue; fi
      echo "RUN $args"
      # prefer-offline: this machine's npm cache first (an image build has none; it changes nothing there)
      (cd "$app" && env "${envs[@]}" npm_config_prefer_offline=true bash -c "$args") ;;
    CMD) cmd=$(node -e 'console.log(JSON.parse(process.argv[1]).join(" "))' "$args") ;;
    *) echo "Dockerfile: $instr is not handled by this script" >&2; exit 2 ;;
  esac
done <Dockerfile

[ "$cmd" = "npm start" ] || { echo "Dockerfile: CMD is not npm start ($cmd)" >&2; exit 2; }
# The image's environment, with its /data volume here; no BOT_TOKEN: the local console, driven from stdin.
out=$(cd "$app" && printf '/start\n:quit\n' | env -i PATH="$PATH" HOME="$HOME" "${envs[@]}" DATA_DIR="$work/data" npm start 2>&1) || { echo "$out"; echo "npm start failed" >&2; exit 1; }
grep -q '"msg":"database ready"' "$work/data/kelisim.log" || { echo "$out"; echo "the database was not made ready" >&2; exit 1; }
grep -q 'Қазақша' <<<"$out" || { echo "$out"; echo "the bot did not answer /start" >&2; exit 1; }
[ -d "$app/node_modules/tsx" ] && [ ! -d "$app/node_modules/vitest" ] || { echo "the install is not production-only" >&2; exit 1; }
echo "docker steps: ok"
