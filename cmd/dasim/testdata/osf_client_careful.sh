# An OSF client that copes with what a real DAS may do: it retries a 5xx on
# its retrieval request, and asks for a new file location URL when the one
# it got no longer works ("Downloads can be repeated while the requested
# document is not deleted from WIPO DAS").
set -euo pipefail
E="$1"; KEY="$2"; CID="$3"
CA=$(jq -r .ca_file "$E"); DAS=$(jq -r .das_api "$E")
TOKEN=$(dasim token --issuer "$(jq -r .issuer "$E")" --ca "$CA" --client-id "$CID" --key "$KEY" | jq -r .access_token)
AUTH="Authorization: Bearer $TOKEN"
BODY='{"operationCategory":"retrieval","documentKindCategory":"patent","documentNumber":"EE P202300012",
       "documentDate":"2023-03-14","dasAccessCode":"AB21","applicationCategory":null,
       "applicationNumber":null,"applicationFilingDate":null}'
for attempt in 1 2 3 4 5; do
  RES=$(curl -sS --cacert "$CA" -H "$AUTH" -H 'Content-Type: application/json' -w '\n%{http_code}' -d "$BODY" "$DAS/retrievals")
  [ "$(tail -n1 <<<"$RES")" = 201 ] && break
  sleep 0.2
done
ACK=$(head -n -1 <<<"$RES" | jq -r .requestAckId)
until curl -sS --cacert "$CA" -H "$AUTH" "$DAS/retrievals/statuses?requestAckId=$ACK" \
  | jq -e '.documentRetrievalResponseBag[0].requestStatusCategory == "success"' > /dev/null; do sleep 0.2; done
for attempt in 1 2 3; do
  URL=$(curl -sS --cacert "$CA" -H "$AUTH" "$DAS/files/url-downloads?requestAckId=$ACK" | jq -r .fileDownloadUrl)
  curl -sSf --cacert "$CA" -o "$E.pdf" "$URL" && break
done
curl -sS --cacert "$CA" -X DELETE -H "$AUTH" "$DAS/files?requestAckId=$ACK" -o /dev/null
