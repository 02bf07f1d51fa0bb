#!/usr/bin/env bash
# The Debian package, installed into a scratch root with dpkg -x and used from there:
# the binary runs and renders, the configuration file is a conffile the binary accepts,
# the unit passes systemd-analyze verify, and Depends names runtime packages only.
#
# usage: package_test.sh BUILD_DIR SOURCE_DIR
# With EXAMDOCS_DEB=path the test checks that package (the one `make package` built);
# otherwise it packs BUILD_DIR's own binary with cpack first.
set -euo pipefail
build_dir=$1
source_dir=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

deb=${EXAMDOCS_DEB:-}
if [ -z "$deb" ]; then
  # Uncompressed: gzip of the build tree's ~70 MB of binaries was a seventh of the test's
  # CPU, and nothing here depends on how data.tar is compressed (dpkg-deb reads either way;
  # `make package` keeps the configured compression, and EXAMDOCS_DEB tests that file).
  cpack --config "$build_dir/CPackConfig.cmake" -B "$scratch/out" \
    -D CPACK_DEBIAN_COMPRESSION_TYPE=none >"$scratch/cpack.log" 2>&1 ||
    { cat "$scratch/cpack.log" >&2; fail "cpack could not build the package"; }
  deb=$(ls "$scratch"/out/examdocs_*_amd64.deb 2>/dev/null | head -n1)
fi
[ -f "$deb" ] || fail "no package examdocs_<version>_amd64.deb"
[[ $(basename "$deb") =~ ^examdocs_[0-9]+\.[0-9]+\.[0-9]+_amd64\.deb$ ]] ||
  fail "package name $(basename "$deb")"

# ---- Depends: the libraries the binary links, the fonts, the face model; nothing to build
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for needed in fonts-wqy-zenhei fonts-hanazono icc-profiles-free opencv-data libjs-pdf libpoco libqrencode libzxing \
              libopencv-objdetect libharfbuzz libicu libssl libpq; do
  [[ $depends == *"$needed"* ]] || fail "Depends lacks $needed"
done
IFS=',' read -ra entries <<<"$depends"
for entry in "${entries[@]}"; do
  name=$(echo "$entry" | sed -E 's/^ *([^ (|]+).*/\1/')
  case $name in
    *-dev|gcc*|g++*|cpp*|clang*|cmake|ninja-build|make|build-essential|libgtest*|libgmock*|\
    googletest|libbenchmark*|chromium*|postgresql|postgresql-[0-9]*|poppler-utils|git)
      fail "Depends names a build or test package: $name" ;;
  esac
done

# ---- the files, installed into a scratch root
root=$scratch/root
dpkg -x "$deb" "$root"
for f in usr/bin/examdocs usr/lib/examdocs/examdocs-documents usr/lib/examdocs/examdocs-all \
         usr/lib/examdocs/photo-analysis.so etc/examdocs/examdocs.properties \
         lib/systemd/system/examdocs.service \
         usr/share/bash-completion/completions/examdocs usr/share/doc/examdocs/operations.md; do
  [ -e "$root/$f" ] || fail "the package has no /$f"
done
conffiles=$(dpkg-deb -I "$deb" conffiles)
[[ $conffiles == *"/etc/examdocs/examdocs.properties"* ]] ||
  fail "/etc/examdocs/examdocs.properties is not a conffile"

# ---- the installed binary runs, accepts its configuration file, renders a sample
examdocs=$root/usr/bin/examdocs
"$examdocs" --version | grep -q '^examdocs ' || fail "--version"
"$examdocs" config --config-file "$root/etc/examdocs/examdocs.properties" >"$scratch/config.txt" ||
  fail "the installed configuration file is refused"
grep -q '^data.dir = /var/lib/examdocs ' "$scratch/config.txt" || fail "data.dir is not the state directory"
"$examdocs" render score-notice "$source_dir/samples/score-notice.json" -o "$scratch/notice.pdf" >/dev/null ||
  fail "the installed binary cannot render"
[ "$(head -c 5 "$scratch/notice.pdf")" = "%PDF-" ] || fail "the rendering is not a PDF"
bash -n "$root/usr/share/bash-completion/completions/examdocs" || fail "the completion is not bash"
# The photo checks live in a module the binary opens from ../lib/examdocs; the binary itself
# links no OpenCV (that is what keeps every other command's start short).
ldd "$examdocs" | grep -q opencv && fail "the binary links OpenCV"
# The launcher runs the commands' programs from ../lib/examdocs; it links no C++ at all, and
# the document commands' program none of the server's libraries (cli/launcher.cpp says why).
# (Its own NEEDED entries: a sanitizer build's runtime brings libstdc++ in by itself.)
readelf -d "$examdocs" | grep NEEDED | grep -q 'libstdc++' && fail "the launcher links libstdc++"
ldd "$root/usr/lib/examdocs/examdocs-documents" | grep -Eq 'PocoNet|libpq|libssl' &&
  fail "examdocs-documents links the server's libraries"
EXAMDOCS_MODULE_DIR= "$examdocs" check-photo --profile skill-cert \
  "$source_dir/tests/data/photos/good_295x413.jpg" \
  >/dev/null || fail "the installed binary cannot check a photo (its module)"

# ---- the unit
unit=$root/lib/systemd/system/examdocs.service
for directive in 'DynamicUser=yes' 'StateDirectory=examdocs' 'ProtectSystem=strict' \
                 'ProtectHome=yes' 'NoNewPrivileges=yes' 'PrivateTmp=yes' 'Restart=on-failure' \
                 'CapabilityBoundingSet=$'; do
  grep -q "^$directive" "$unit" || fail "the unit lacks $directive"
done
stop_timeout=$(sed -n 's/^TimeoutStopSec=\([0-9]*\)$/\1/p' "$unit")
drain=$(sed -n 's/^server.drain-timeout-s = \([0-9]*\) .*/\1/p' "$scratch/config.txt")
[ -n "$stop_timeout" ] && [ -n "$drain" ] && [ "$drain" -lt "$stop_timeout" ] ||
  fail "the drain timeout ($drain s) is not below TimeoutStopSec ($stop_timeout s)"
port=$(sed -n 's/^server.port = \([0-9]*\) .*/\1/p' "$scratch/config.txt")
[ "$port" -ge 1024 ] || fail "port $port would need a capability"

if command -v systemd-analyze >/dev/null; then
  # verify checks that ExecStart's program exists: point it at the scratch root's.
  mkdir -p "$scratch/units"
  sed "s|/usr/bin/examdocs|$examdocs|; s|/etc/examdocs/|$root/etc/examdocs/|g" "$unit" \
    >"$scratch/units/examdocs.service"
  systemd-analyze verify "$scratch/units/examdocs.service" >"$scratch/verify.log" 2>&1 ||
    { cat "$scratch/verify.log" >&2; fail "systemd-analyze verify"; }
  if grep -q 'examdocs.service:' "$scratch/verify.log"; then
    cat "$scratch/verify.log" >&2
    fail "systemd-analyze verify has remarks on the unit"
  fi
else
  echo "skipped: systemd-analyze is not installed, the unit was not verified"
fi
echo "package ok: $(basename "$deb")"
