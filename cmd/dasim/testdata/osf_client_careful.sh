# An OSF client that copes with what a real DAS may do, for every listed
# document: it retries a 5xx or 429 on its retrieval request (waiting
# Retry-After, else 1 s doubling), polls at most once a second, asks for a
# new file location URL when the one it got no longer works ("Downloads can
# be repeated while the requested document is not deleted from WIPO DAS"),
# downloads again when the sha256 is not fileChecksum, and deletes only an
# intact download. Every loop is bounded: an error ends it.
set -euo pipefail
E="$1"; KEY="$2"; CID="$3"
CA=$(jq -r .ca_file "$E"); DAS=$(jq -r .das_api "$E")
TOKEN=$(dasim token --issuer "$(jq -r .issuer "$E")" --ca "$CA" --client-id "$CID" --key "$KEY" | jq -r .access_token)
AUTH="Authorization: Bearer $TOKEN"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

retrieve() { # body -> ack id
  local delay=1 res code wait
  for attempt in 1 2 3 4 5 6; do
    res=$(curl -sS --cacert "$CA" -D "$OUT/h" -H "$AUTH" -H 'Content-Type: application/json' -w '\n%{http_code}' -d "$1" "$DAS/retrievals")
    code=$(tail -n1 <<<"$res")
    if [ "$code" = 201 ]; then head -n -1 <<<"$res" | jq -er .requestAckId; return; fi
    case "$code" in 5??|429) ;; *) echo "POST retrievals answered $code: $res" >&2; return 1 ;; esac
    wait=$(tr -d '\r' < "$OUT/h" | awk 'tolower($1) == "retry-after:" {print $2}')
    sleep "${wait:-$delay}"
    delay=$((delay * 2))
  done
  echo "POST retrievals still unavailable after 6 attempts" >&2; return 1
}

jq -c '.documents[]' "$E" | while read -r DOC; do
  BODY=$(jq -c '{operationCategory:"retrieval", documentKindCategory:(.kind // "patent"), documentNumber:.number,
    documentDate:.date, dasAccessCode:.accessCode, applicationCategory:null, applicationNumber:null,
    applicationFilingDate:null}' <<<"$DOC")
  ACK=$(retrieve "$BODY")
  for try in $(seq 30); do
    curl -fsS --cacert "$CA" -H "$AUTH" "$DAS/retrievals/statuses?requestAckId=$ACK" \
      | jq -e '.documentRetrievalResponseBag[0].requestStatusCategory == "success"' > /dev/null && break
    [ "$try" = 30 ] && { echo "retrieval $ACK never became available" >&2; exit 1; }
    sleep 1
  done
  OK=
  for attempt in 1 2 3; do
    DL=$(curl -fsS --cacert "$CA" -H "$AUTH" "$DAS/files/url-downloads?requestAckId=$ACK")
    curl -sSf --cacert "$CA" -o "$OUT/doc" "$(jq -r .fileDownloadUrl <<<"$DL")" || continue
    [ "$(sha256sum "$OUT/doc" | cut -d' ' -f1)" = "$(jq -r .fileChecksum <<<"$DL")" ] && { OK=1; break; }
  done
  [ -n "$OK" ] || { echo "no intact download of $ACK after 3 attempts" >&2; exit 1; }
  curl -fsS --cacert "$CA" -X DELETE -H "$AUTH" "$DAS/files?requestAckId=$ACK" -o /dev/null
done
