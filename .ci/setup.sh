# Puts Node >= 22 and the pinned pnpm on PATH, then installs the workspace's dependencies.
# Source it (`source .ci/setup.sh`) so PATH carries over to your shell; .ci/run sources it too.
# It leaves shell options alone: it may run inside an interactive shell.

loom_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
loom_tools="${LOOM_TOOLS_DIR:-${HOME:-$loom_root/..}/.loom-tools}"
loom_pnpm="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$loom_root/package.json")"

loom_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

loom_setup() {
  export PATH="$loom_tools/bin:$PATH"
  # The project targets Node >= 22; machines here ship 20. npm can install Node itself.
  if [ "$(loom_node_major)" -lt 22 ]; then
    echo "setup: Node $(node --version 2>/dev/null || echo none) is older than 22; installing Node 24 into $loom_tools"
    npm install -g --prefix "$loom_tools" --no-audit --no-fund --loglevel=error node@24 || return 1
    hash -r
  fi
  # Corepack cannot download pnpm here; npm can, at the exact version package.json pins.
  if [ "$(pnpm --version 2>/dev/null)" != "$loom_pnpm" ]; then
    echo "setup: installing pnpm $loom_pnpm into $loom_tools"
    npm install -g --prefix "$loom_tools" --no-audit --no-fund --loglevel=error "pnpm@$loom_pnpm" || return 1
    hash -r
  fi
  # The shared-limit tests of @loom/llm-redis run a real redis-server; they skip without one.
  if ! command -v redis-server >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing redis-server from Debian's packages"
    apt-get install -y -q redis-server >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q redis-server >/dev/null 2>&1; } ||
      echo "setup: redis-server could not be installed; the Redis tests will skip"
  fi
  # The browser suite of runtimes/ runs the checks in Debian's headless Chromium (driven by
  # playwright-core, which downloads no browser of its own); it skips without one.
  if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing chromium from Debian's packages"
    apt-get install -y -q chromium >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1; } ||
      echo "setup: chromium could not be installed; the Chromium conformance suite will skip"
  fi
  echo "setup: node $(node --version), pnpm $(pnpm --version)"
  (cd "$loom_root" && pnpm install --frozen-lockfile)
}

loom_setup
