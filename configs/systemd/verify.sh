#!/usr/bin/env bash
# Checks monhook-serve.service with the machine's systemd-analyze (Debian's
# systemd package), also where systemd is not PID 1 (CI's container):
#   - `systemd-analyze verify` on a copy whose ExecStart names the built
#     binary (verify fails on a missing executable, and /usr/local/bin is
#     not ours to write); any message fails too, since verify exits 0 on
#     an unknown or misspelt key;
#   - `systemd-analyze security --offline`: exposure at most 1.5 (the unit
#     scores 1.2; without DynamicUser it would be 1.8);
#   - the settings the unit promises are there, spelt as systemd reads them.
# Usage: configs/systemd/verify.sh PATH/TO/monhook   (`make unit-check`)
set -euo pipefail
bin=$(realpath "${1:?usage: verify.sh PATH/TO/monhook}")
unit=$(dirname "$0")/monhook-serve.service
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s|^ExecStart=/usr/local/bin/monhook |ExecStart=$bin |" "$unit" >"$tmp/monhook-serve.service"
grep -q "^ExecStart=$bin serve " "$tmp/monhook-serve.service" || { echo "verify.sh: no ExecStart=/usr/local/bin/monhook serve in $unit" >&2; exit 1; }

# --man=no: Documentation= names man:monhook-serve(1), which `make man`
# writes but which is not installed here.
out=$(systemd-analyze verify --man=no "$tmp/monhook-serve.service" 2>&1) || { echo "$out" >&2; exit 1; }
if [ -n "$out" ]; then echo "systemd-analyze verify complained:" >&2; echo "$out" >&2; exit 1; fi

systemd-analyze security --offline=true --threshold=15 --no-pager "$tmp/monhook-serve.service" | tail -1

for want in 'EnvironmentFile=/etc/monhook/monhook.env' 'DynamicUser=yes' 'NoNewPrivileges=yes' \
  'ProtectSystem=strict' 'ProtectHome=yes' 'CapabilityBoundingSet=' 'PrivateTmp=yes' 'PrivateDevices=yes' \
  'ProtectKernelTunables=yes' 'ProtectKernelModules=yes' 'ProtectControlGroups=yes'; do
  grep -qx -- "$want" "$unit" || { echo "verify.sh: $unit lacks the line $want" >&2; exit 1; }
done
grep -q 'ExecStart=.*--config \${MONHOOK_CONFIG}' "$unit" || { echo "verify.sh: ExecStart does not take the config path from MONHOOK_CONFIG" >&2; exit 1; }
echo "monhook-serve.service: verify and security passed"
