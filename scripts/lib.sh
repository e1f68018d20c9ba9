# Shared by scripts/run and scripts/test: installs what is missing on a fresh
# Debian machine (as root or not), builds Parcours, manages test servers.
# Every step is skipped when already done, so a second run is fast.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CARGO_LEPTOS_VERSION="0.3.10"          # 0.3.11 needs a newer rustc
BINARYEN_VERSION="132.0.0"             # Debian's wasm-opt (v108) breaks hydration
TOOLS_DIR="$ROOT/.parcours/tools"
export PATH="$HOME/.cargo/bin:$TOOLS_DIR/node_modules/.bin:$PATH"
# Builds never need a database: queries are checked against .sqlx/.
export SQLX_OFFLINE=true
export LEPTOS_SITE_ROOT="$ROOT/target/site" LEPTOS_OUTPUT_NAME=parcours LEPTOS_HASH_FILES=true

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# The wasm-bindgen CLI must be the exact version of the crate in Cargo.lock.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

ensure_build_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "Cible WebAssembly"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    step "cargo-leptos $CARGO_LEPTOS_VERSION (une dizaine de minutes, une seule fois)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  fi
  local wbg
  wbg="$(wasm_bindgen_version)"
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$wbg"; then
    step "wasm-bindgen-cli $wbg"
    # Not --locked: its lockfile pins a yanked crate.
    cargo install wasm-bindgen-cli --version "$wbg"
  fi
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    step "Node.js"
    apt_install nodejs npm
  fi
  if ! "$TOOLS_DIR/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
    step "wasm-opt (binaryen $BINARYEN_VERSION)"
    mkdir -p "$TOOLS_DIR"
    npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR" "binaryen@$BINARYEN_VERSION"
  fi
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null; then
    step "PostgreSQL"
    apt_install postgresql
  fi
  if ! command -v espeak-ng >/dev/null; then
    step "espeak-ng (lecture à voix haute, paquet Debian)"
    apt_install espeak-ng
  fi
}

ensure_test_tools() {
  if ! command -v cargo-nextest >/dev/null; then
    step "cargo-nextest"
    cargo install cargo-nextest --locked
  fi
  if ! command -v chromium >/dev/null; then
    step "Chromium (paquet Debian)"
    apt_install chromium
  fi
  if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    step "Playwright (sans téléchargement de navigateur)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund)
  fi
}

build_release() {
  step "Compilation (release)"
  cargo leptos build --release --precompress --split
}

# Prints the URL of the embedded PostgreSQL kept in $1 on port $2, starting it.
start_embedded_pg() {
  PARCOURS_DATA_DIR="$1" PARCOURS_PG_PORT="$2" target/release/parcours db start
}

stop_embedded_pg() {
  PARCOURS_DATA_DIR="$1" PARCOURS_PG_PORT="$2" target/release/parcours db stop || true
}

port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
