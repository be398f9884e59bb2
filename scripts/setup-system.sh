#!/usr/bin/env bash
# Install the Debian packages Dépositaire needs, only those that are missing.
# Idempotent: when everything is already installed it does nothing (no apt-get update).
set -euo pipefail

PACKAGES=(
  chromium            # headless browser for the browser tests (/usr/bin/chromium)
  postgresql          # server binaries for the throwaway test cluster (scripts/pg-test-server.sh)
  poppler-utils       # pdftotext / pdftoppm, to check generated PDFs
  tmux                # drives the interactive CLI in tests
  fonts-dejavu-core   # a font for WeasyPrint and Chromium
  libpango-1.0-0      # WeasyPrint
  libpangoft2-1.0-0   # WeasyPrint
  libharfbuzz0b       # WeasyPrint
  nodejs              # npm installs axe-core for the accessibility tests (scripts/setup-axe.sh)
)
# Debian ships npm as its own package; some nodejs builds include it already.
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)

is_installed() {
  dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup-system: all Debian packages already installed"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "setup-system: missing packages (${missing[*]}) and not root, no sudo: install them as root" >&2
  exit 1
fi

echo "setup-system: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
  --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
  "${missing[@]}"

still_missing=()
for pkg in "${missing[@]}"; do
  is_installed "$pkg" || still_missing+=("$pkg")
done
if [ "${#still_missing[@]}" -ne 0 ]; then
  echo "setup-system: failed to install: ${still_missing[*]}" >&2
  exit 1
fi
echo "setup-system: done"
