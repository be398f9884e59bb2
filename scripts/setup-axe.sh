#!/usr/bin/env bash
# Install axe-core (the accessibility engine the browser tests inject into Chromium)
# from the npm registry into var/axe/node_modules (git-ignored). Idempotent: when the
# pinned version is already there it does nothing. Needs node/npm (Debian packages).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="4.14.1"
DEST="$ROOT/var/axe"
FILE="$DEST/node_modules/axe-core/axe.min.js"
if [ -f "$FILE" ] && grep -q "\"version\": \"$VERSION\"" "$DEST/node_modules/axe-core/package.json"; then
  echo "setup-axe: axe-core $VERSION already installed"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "setup-axe: npm not found: run scripts/setup-system.sh (Debian packages nodejs, npm)" >&2
  exit 1
fi
mkdir -p "$DEST"
npm install --prefix "$DEST" --no-save --no-audit --no-fund --ignore-scripts "axe-core@$VERSION" >/dev/null
test -f "$FILE"
echo "setup-axe: axe-core $VERSION installed in var/axe"
