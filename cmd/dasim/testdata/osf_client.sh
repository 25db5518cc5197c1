# A minimal OSF client, as an office would script it: no retry, no notifications.
set -euo pipefail
E="$1"; KEY="$2"; CID="$3"
CA=$(jq -r .ca_file "$E"); DAS=$(jq -r .das_api "$E")
TOKEN=$(dasim token --issuer "$(jq -r .issuer "$E")" --ca "$CA" --client-id "$CID" --key "$KEY" | jq -r .access_token)
ACK=$(curl -sS --cacert "$CA" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"operationCategory":"retrieval","documentKindCategory":"patent","documentNumber":"EE P202300012",
       "documentDate":"2023-03-14","dasAccessCode":"AB21","applicationCategory":null,
       "applicationNumber":null,"applicationFilingDate":null}' "$DAS/retrievals" | jq -r .requestAckId)
until curl -sS --cacert "$CA" -H "Authorization: Bearer $TOKEN" "$DAS/retrievals/statuses?requestAckId=$ACK" \
  | jq -e '.documentRetrievalResponseBag[0].requestStatusCategory == "success"' > /dev/null; do sleep 0.2; done
URL=$(curl -sS --cacert "$CA" -H "Authorization: Bearer $TOKEN" "$DAS/files/url-downloads?requestAckId=$ACK" | jq -r .fileDownloadUrl)
curl -sS --cacert "$CA" -o /dev/null "$URL"
curl -sS --cacert "$CA" -X DELETE -H "Authorization: Bearer $TOKEN" "$DAS/files?requestAckId=$ACK" -o /dev/null
