#!/usr/bin/env bash
# posedyn setup: installs what this Debian 12 machine lacks, then the npm dependencies from the lockfile.
# Idempotent: a second run finds everything present and changes nothing. Works as root without a TTY, or as a
# user with sudo. Each step says what it does; a step that fails stops the script with the reason.
set -euo pipefail

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

cd "$(dirname "$0")"

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo -n)
  "${SUDO[@]}" true 2>/dev/null || die "need root for apt-get: run as root, or allow passwordless sudo for $(id -un)"
else
  die "need root for apt-get and sudo is not installed: run this script as root"
fi
export DEBIAN_FRONTEND=noninteractive

# Debian 12 ships mesa 22, whose lavapipe is too old for Dawn; mesa 25 comes from bookworm-backports. The new
# source entry reuses the URIs line of the machine's own Debian source, so no mirror host is written here.
BACKPORTS_LIST=/etc/apt/sources.list.d/posedyn-backports.sources
DEBIAN_SOURCES=/etc/apt/sources.list.d/debian.sources
apt_updated=0
apt_update() {
  if [ "$apt_updated" -eq 0 ]; then
    say "apt-get update"
    "${SUDO[@]}" apt-get update -qq || die "apt-get update failed: is the Debian package mirror reachable?"
    apt_updated=1
  fi
}

have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

mesa_major() { dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | sed -E 's/^([0-9]+:)?([0-9]+).*/\2/'; }

if [ "$(mesa_major || true)" != "" ] && [ "$(mesa_major)" -ge 24 ] && have_pkg libvulkan1; then
  say "mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers) and libvulkan1 already installed"
else
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    [ -f "$DEBIAN_SOURCES" ] || die "$DEBIAN_SOURCES not found: cannot derive the bookworm-backports source (expected a deb822 file with a URIs: line)"
    uris=$(grep -m1 '^URIs:' "$DEBIAN_SOURCES" || true)
    [ -n "$uris" ] || die "$DEBIAN_SOURCES has no 'URIs:' line: cannot derive the bookworm-backports source"
    say "adding bookworm-backports source ($BACKPORTS_LIST) from the URIs of $DEBIAN_SOURCES"
    printf 'Types: deb\n%s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$uris" \
      | "${SUDO[@]}" tee "$BACKPORTS_LIST" >/dev/null
    apt_updated=0
  fi
  apt_update
  say "installing mesa-vulkan-drivers and libvulkan1 from bookworm-backports (Dawn needs mesa >= 24)"
  "${SUDO[@]}" apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null \
    || die "could not install mesa-vulkan-drivers/libvulkan1 from bookworm-backports"
fi

missing=()
for p in chromium sox espeak-ng fonts-dejavu-core ffmpeg; do have_pkg "$p" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt_update
  say "installing ${missing[*]}"
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || die "could not install ${missing[*]}"
else
  say "chromium, sox, espeak-ng, ffmpeg already installed"
fi

command -v node >/dev/null || die "node is not installed: posedyn needs Node.js 20 or newer"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node.js $(node --version) is too old: posedyn needs 20 or newer"

if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  say "node_modules is up to date with package-lock.json"
else
  say "npm ci (dependencies from the committed package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error || die "npm ci failed"
fi
say "done"
