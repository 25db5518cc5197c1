# A minimal OSF client, as an office would script it: every listed document,
# one after the other; no retry, no notifications, no checksum check. Any
# error ends it (curl -f, set -e), and its status polling gives up after 30
# tries.
set -euo pipefail
E="$1"; KEY="$2"; CID="$3"
CA=$(jq -r .ca_file "$E"); DAS=$(jq -r .das_api "$E")
TOKEN=$(dasim token --issuer "$(jq -r .issuer "$E")" --ca "$CA" --client-id "$CID" --key "$KEY" | jq -r .access_token)
AUTH="Authorization: Bearer $TOKEN"
jq -c '.documents[]' "$E" | while read -r DOC; do
  BODY=$(jq -c '{operationCategory:"retrieval", documentKindCategory:(.kind // "patent"), documentNumber:.number,
    documentDate:.date, dasAccessCode:.accessCode, applicationCategory:null, applicationNumber:null,
    applicationFilingDate:null}' <<<"$DOC")
  ACK=$(curl -fsS --cacert "$CA" -H "$AUTH" -H 'Content-Type: application/json' -d "$BODY" "$DAS/retrievals" | jq -er .requestAckId)
  for try in $(seq 30); do
    curl -fsS --cacert "$CA" -H "$AUTH" "$DAS/retrievals/statuses?requestAckId=$ACK" \
      | jq -e '.documentRetrievalResponseBag[0].requestStatusCategory == "success"' > /dev/null && break
    [ "$try" = 30 ] && { echo "retrieval $ACK never became available" >&2; exit 1; }
    sleep 1
  done
  URL=$(curl -fsS --cacert "$CA" -H "$AUTH" "$DAS/files/url-downloads?requestAckId=$ACK" | jq -er .fileDownloadUrl)
  curl -fsS --cacert "$CA" -o /dev/null "$URL"
  curl -fsS --cacert "$CA" -X DELETE -H "$AUTH" "$DAS/files?requestAckId=$ACK" -o /dev/null
done
