#!/usr/bin/env bash
# The README's curl walk-through as a script: log in, create a custom object with five fields,
# dry-run the publish, publish, create records and list them.
# Usage: TESSERA_URL=http://localhost:3000 TESSERA_ADMIN_EMAIL=… TESSERA_ADMIN_PASSWORD=… bash examples/api-walkthrough.sh
set -euo pipefail
URL=${TESSERA_URL:-http://localhost:3000}
EMAIL=${TESSERA_ADMIN_EMAIL:-admin@tessera.local}
PASSWORD=${TESSERA_ADMIN_PASSWORD:?set TESSERA_ADMIN_PASSWORD to the admin password}
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);console.log(process.argv[1].split(".").reduce((o,k)=>o[k],v))})' "$1"; }

echo "1. log in"
TOKEN=$(curl -sf -X POST "$URL/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" | json token)
AUTH="authorization: Bearer $TOKEN"

echo "2. create a custom object with five fields (into the draft)"
curl -sf -X POST "$URL/api/v1/meta/objects" -H "$AUTH" -H 'content-type: application/json' -d '{
  "apiName": "property",
  "label": { "en": "Property", "zh-CN": "房源" },
  "pluralLabel": { "en": "Properties", "zh-CN": "房源" },
  "nameField": "title",
  "fields": [
    { "apiName": "title", "type": "text", "label": "Title", "required": true },
    { "apiName": "price", "type": "currency", "label": "Price" },
    { "apiName": "bedrooms", "type": "integer", "label": "Bedrooms" },
    { "apiName": "status", "type": "picklist", "label": "Status", "default": "available",
      "values": [ { "value": "available" }, { "value": "under_offer" }, { "value": "sold" } ] },
    { "apiName": "listed_on", "type": "date", "label": "Listed on" }
  ]
}' > /dev/null

echo "3. dry-run the publish: the plan, nothing applied"
curl -sf -X POST "$URL/api/v1/meta/publish?dryRun=true" -H "$AUTH" | json plan.0.description

echo "4. publish: the table exists from now on"
echo "release $(curl -sf -X POST "$URL/api/v1/meta/publish" -H "$AUTH" | json release)"

echo "5. create records"
for body in '{"title":"Harbour loft","price":450000,"bedrooms":2,"listed_on":"2026-11-01"}' \
            '{"title":"Garden house","price":820000,"bedrooms":4,"status":"under_offer"}'; do
  ID=$(curl -sf -X POST "$URL/api/v1/records/property" -H "$AUTH" -H 'content-type: application/json' -d "$body" | json id)
  echo "$ID"
done

echo "6. list them: price at least 500000, most expensive first"
curl -sf -G "$URL/api/v1/records/property" -H "$AUTH" \
  --data-urlencode 'filter={"price":{"gte":500000}}' --data-urlencode 'sort=-price' | json data.0.title

echo "7. a workflow: when a property is sold, mark its title"
curl -sf -X POST "$URL/api/v1/meta/workflows" -H "$AUTH" -H 'content-type: application/json' -d '{
  "apiName": "mark_sold", "label": "Mark sold", "object": "property",
  "trigger": { "on": "update", "changedTo": { "status": "sold" } },
  "actions": [ { "type": "updateRecord", "values": { "title": { "cat": [{ "var": "title" }, " (sold)"] } } } ]
}' > /dev/null
curl -sf -X POST "$URL/api/v1/meta/publish" -H "$AUTH" > /dev/null
curl -sf -X PATCH "$URL/api/v1/records/property/$ID" -H "$AUTH" -H 'content-type: application/json' \
  -d '{"status":"sold"}' > /dev/null
for _ in $(seq 1 100); do
  status=$(curl -sf "$URL/api/v1/automation/runs?workflow=mark_sold" -H "$AUTH" | json runs.0.status 2>/dev/null || true)
  [ "$status" = succeeded ] && break
  sleep 0.1
done
echo "run $status"
curl -sf "$URL/api/v1/records/property/$ID" -H "$AUTH" | json title
