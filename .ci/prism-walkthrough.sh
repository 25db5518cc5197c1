#!/usr/bin/env bash
# Prism (Stoplight's validating proxy, pinned) in front of `dasim serve` with the shipped
# openapi/das.yaml, over the README walkthrough as written, plus one deliberately broken request.
# Fails unless Prism flags the broken request (422 naming /dasAccessCode) and flags none of the
# walkthrough's requests or responses: a contract Prism could not compile would let everything through.
set -euo pipefail
cd "$(dirname "$0")/.."

prism_version=5.16.0
prism_dir="${TMPDIR:-/tmp}/dasim-prism-$prism_version"
if [ ! -x "$prism_dir/node_modules/.bin/prism" ]; then
  mkdir -p "$prism_dir"
  (cd "$prism_dir" && npm install --silent --no-audit --no-fund "@stoplight/prism-cli@$prism_version" >/dev/null)
fi
export PRISM="$prism_dir/node_modules/.bin/prism"

work=$(mktemp -d)
export D="$work"
prism_pid=""
trap '[ -n "$prism_pid" ] && kill "$prism_pid" 2>/dev/null; [ -f "$work/prism.pid" ] && kill "$(cat "$work/prism.pid")" 2>/dev/null; true' EXIT

# Sourced by the walkthrough right after it reads DAS from the endpoints file: starts Prism in
# front of that DAS and points DAS at Prism.
cat > "$work/prism-in-front.sh" <<'HOOK'
port=4010
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
NODE_EXTRA_CA_CERTS="$CA" "$PRISM" proxy openapi/das.yaml "$DAS" --host 127.0.0.1 --port "$port" --errors > "$D/prism.log" 2>&1 &
echo $! > "$D/prism.pid"
for _ in $(seq 300); do grep -q 'Prism is listening' "$D/prism.log" && break; sleep 0.2; done
grep -q 'Prism is listening' "$D/prism.log" || { echo "prism did not start:"; cat "$D/prism.log"; exit 1; }
DAS="http://127.0.0.1:$port"
HOOK

# Sourced just before the walkthrough stops the world: a retrieval whose access code breaks
# the contract's pattern (5 characters, not 4 hexadecimal).
cat > "$work/prism-broken.sh" <<'HOOK'
curl -sS -o "$D/broken.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"operationCategory":"retrieval","documentKindCategory":"patent","documentNumber":"EE P202300012",
       "documentDate":"2023-03-14","dasAccessCode":"ZZZZZ","applicationCategory":null,
       "applicationNumber":null,"applicationFilingDate":null}' "$DAS/retrievals" > "$D/broken.status"
HOOK

script=$(sed -n '/<!-- walkthrough:begin -->/,/<!-- walkthrough:end -->/p' README.md | grep -v '^<!--' | grep -v '^```')
script=${script/'DAS=$(jq -r .das_api "$E")'/'DAS=$(jq -r .das_api "$E"); . "$D/prism-in-front.sh"'}
script=${script/'kill %1'/'. "$D/prism-broken.sh"; kill %1'}
grep -q 'prism-in-front' <<<"$script" && grep -q 'prism-broken' <<<"$script" || {
  echo "prism: the README walkthrough no longer has the lines this check hooks into"; exit 1; }

if ! out=$(timeout 300 bash -euo pipefail -c "$script" 2>&1); then
  echo "prism: the walkthrough failed through Prism:"; echo "$out"; cat "$D/prism.log" 2>/dev/null || true; exit 1
fi
grep -q '%PDF-' <<<"$out" && grep -q '"code":-41' <<<"$out" || {
  echo "prism: walkthrough output is not the README's:"; echo "$out"; exit 1; }

flagged=$(grep -c 'Request terminated with error' "$D/prism.log" || true)
status=$(cat "$D/broken.status")
if [ "$status" != 422 ] || ! jq -e '.validation[] | select(.location == ["body","dasAccessCode"])' "$D/broken.json" >/dev/null; then
  echo "prism: the broken request was not flagged (status $status):"; cat "$D/broken.json"; echo; cat "$D/prism.log"; exit 1
fi
if [ "$flagged" != 1 ]; then
  echo "prism: $flagged requests flagged, want exactly the broken one:"; grep -B3 'terminated with error' "$D/prism.log"; exit 1
fi
echo "prism $prism_version: walkthrough passed through the proxy unflagged; the broken request got 422 at /dasAccessCode"
