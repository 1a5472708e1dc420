#!/usr/bin/env bash
# examples/custom-pack/README.md as a script, against a running Tessera whose packs folder is
# TESSERA_PACKS_DIR: validate the event-planning pack, install version 1, customise it as an
# admin, upgrade to version 2 keeping the customisation, uninstall and reinstall keeping the data.
# Each step checks its outcome and stops with a message saying what differed.
# Usage: TESSERA_URL=http://localhost:3000 TESSERA_ADMIN_PASSWORD=… TESSERA_PACKS_DIR=<the server's> \
#        bash examples/custom-pack/walkthrough.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
URL=${TESSERA_URL:-http://localhost:3000}
EMAIL=${TESSERA_ADMIN_EMAIL:-admin@tessera.local}
PASSWORD=${TESSERA_ADMIN_PASSWORD:?set TESSERA_ADMIN_PASSWORD to the admin password}
PACKS=${TESSERA_PACKS_DIR:?set TESSERA_PACKS_DIR to the packs folder the server reads}
tessera() { node "$here/../../engine/bin/tessera.mjs" "$@"; }
fail() { echo "walkthrough FAILED: $*" >&2; exit 1; }
# `js EXPR`: EXPR evaluated on the JSON read from stdin, as `v`.
js() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=new Function("v","return ("+process.argv[1]+")")(JSON.parse(s));console.log(typeof r==="string"?r:JSON.stringify(r))})' "$1"; }
expect() { [ "$1" = "$2" ] || fail "$3: expected $2, got $1"; }
# `call STATUS METHOD PATH [BODY]`: the response body; any other status stops the walk-through.
call() {
  local expected=$1 method=$2 path=$3 out code
  out=$(mktemp)
  code=$(curl -s -o "$out" -w '%{http_code}' -X "$method" "$URL$path" -H "authorization: Bearer ${TOKEN:-}" \
    -H 'content-type: application/json' ${4:+-d "$4"})
  [ "$code" = "$expected" ] || fail "$method $path answered $code, expected $expected: $(cat "$out")"
  cat "$out"; rm -f "$out"
}
put_version() { rm -rf "$PACKS/event-planning"; cp -r "$here/$1" "$PACKS/event-planning"; }
show_plan() {
  js 'v.items.filter(i => i.action !== "unchanged").map(i => `  ${i.action.padEnd(8)} ${i.kind} ${i.apiName}` +
        (i.taken.length ? `\n           taken: ${i.taken.map(p => p || "(the whole item)").join(", ")}` : "") +
        (i.kept.length ? `\n           kept:  ${i.kept.join(", ")}` : "")).join("\n")'
}

echo "1. validate the pack folder (no database needed)"
tessera pack validate "$here/v1"
broken=$(mktemp -d)/event-planning
cp -r "$here/v1" "$broken"
sed -i 's/"target": "ev_venue"/"target": "ev_venues"/' "$broken/objects/event.json"
if mistake=$(tessera pack validate "$broken" 2>&1); then fail "a lookup to a missing object validated"; fi
echo "$mistake"
echo "$mistake" | grep -q 'objects/event.json#/fields/1/target: target object "ev_venues" does not exist' ||
  fail "the mistake was not named by file and pointer"

echo "2. put version 1 in the packs folder, log in, and dry-run the install"
put_version v1
TOKEN=$(call 200 POST /api/v1/auth/login "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" | js v.token)
plan=$(call 200 POST '/api/v1/packs/event-planning/install?dryRun=true')
echo "$plan" | show_plan
echo "$plan" | js 'v.plan.map(p => "  " + p.description).join("\n")'
expect "$(echo "$plan" | js v.seeds)" 4 "seed records the install would load"

echo "3. install"
echo "release $(call 201 POST /api/v1/packs/event-planning/install | js v.release)"
events=$(call 200 GET /api/v1/records/ev_event)
echo "$events" | js 'v.data.map(e => `  ${e.name}: ${e.guests} guests, revenue ${e.revenue}`).join("\n")'
expect "$(echo "$events" | js v.data.length)" 2 "seeded events"

echo "4. customise as an admin: rename the object and a field, add a picklist value and a field; publish"
edited=$(call 200 GET /api/v1/meta/objects/ev_event | js '(() => {
  const f = (n) => v.fields.find((x) => x.apiName === n);
  v.label = { en: "Booking", "zh-CN": "预订" };
  f("guests").label = { en: "Headcount", "zh-CN": "人数" };
  f("status").values.push({ value: "postponed", label: { en: "Postponed", "zh-CN": "已延期" } });
  v.fields.push({ apiName: "dress_code", type: "text", label: { en: "Dress code", "zh-CN": "着装要求" } });
  return v;
})()')
call 200 PUT /api/v1/meta/objects/ev_event "$edited" > /dev/null
echo "release $(call 201 POST /api/v1/meta/publish | js v.release)"
CLIENT=$(call 201 POST /api/v1/records/account '{"name":"Acme","ev_catering_notes":"Two vegan guests"}' | js v.id)
GALA=$(call 201 POST /api/v1/records/ev_event "{\"name\":\"Acme winter gala\",\"client\":\"$CLIENT\",
  \"starts_on\":\"2026-12-12\",\"status\":\"postponed\",\"guests\":120,\"price_per_guest\":100,\"dress_code\":\"Black tie\"}" | js v.id)
echo "booked $GALA"

echo "5. put version 2 in place and dry-run the upgrade"
put_version v2
plan=$(call 200 POST '/api/v1/packs/event-planning/upgrade?dryRun=true')
echo "$plan" | show_plan
echo "$plan" | js 'v.conflicts.map(c => `  CONFLICT ${c.key}: yours ${JSON.stringify(c.mine)}, theirs ${JSON.stringify(c.theirs)}`).join("\n")'
expect "$(echo "$plan" | js 'v.conflicts.length')" 2 "conflicts (the object label, in each language)"
echo "   without a choice for each conflict the upgrade is refused:"
call 409 POST /api/v1/packs/event-planning/upgrade | js '"  " + v.detail'

echo "6. upgrade, keeping the admin's label"
resolutions=$(echo "$plan" | js '({ resolutions: Object.fromEntries(v.conflicts.map(c => [c.key, "keepMine"])) })')
echo "release $(call 201 POST /api/v1/packs/event-planning/upgrade "$resolutions" | js v.release)"
object=$(call 200 GET /api/v1/meta/objects/ev_event)
expect "$(echo "$object" | js v.label.en)" Booking "the object's label after the upgrade"
expect "$(echo "$object" | js 'v.fields.find(f => f.apiName === "guests").label.en')" Headcount "the guests field's label"
expect "$(echo "$object" | js 'v.fields.map(f => f.apiName).filter(n => ["dress_code", "budget"].includes(n)).join()')" \
  dress_code,budget "the admin's field and version 2's"
expect "$(echo "$object" | js 'v.fields.find(f => f.apiName === "format").values.map(x => x.value).join()')" \
  in_person,online,hybrid "format values"
expect "$(echo "$object" | js 'v.fields.find(f => f.apiName === "status").values.map(x => x.value).join()')" \
  planned,confirmed,cancelled,postponed "status values"
expect "$(call 200 GET "/api/v1/records/ev_event/$GALA" | js v.dress_code)" 'Black tie' "the gala's dress code"
call 201 POST /api/v1/records/ev_session "{\"title\":\"Opening toast\",\"event\":\"$GALA\"}" > /dev/null
echo "   kept: label Booking, Headcount, dress_code, postponed; landed: budget, hybrid, ev_session"

echo "7. uninstall: the plan archives the tables, then confirmLossy"
call 200 POST '/api/v1/packs/event-planning/uninstall?dryRun=true' |
  js 'v.plan.map(p => `  ${p.lossy ? "LOSSY " : ""}${p.description}`).join("\n")'
call 409 POST /api/v1/packs/event-planning/uninstall > /dev/null
call 201 POST '/api/v1/packs/event-planning/uninstall?confirmLossy=true' > /dev/null
call 404 GET /api/v1/records/ev_event > /dev/null
echo "   ev_event is not served while uninstalled; the account is still there:"
call 200 GET "/api/v1/records/account/$CLIENT" | js '"  " + v.name'

echo "8. reinstall: the records and the customisation come back"
call 201 POST /api/v1/packs/event-planning/install > /dev/null
events=$(call 200 GET '/api/v1/records/ev_event?sort=name')
echo "$events" | js 'v.data.map(e => "  " + e.name).join("\n")'
expect "$(echo "$events" | js v.data.length)" 3 "events after the reinstall"
expect "$(call 200 GET "/api/v1/records/ev_event/$GALA" | js v.dress_code)" 'Black tie' "the gala's dress code after the reinstall"
expect "$(call 200 GET /api/v1/records/ev_session | js v.data.length)" 1 "sessions after the reinstall"
expect "$(call 200 GET "/api/v1/records/account/$CLIENT" | js v.ev_catering_notes)" 'Two vegan guests' "the account's catering notes"
expect "$(call 200 GET /api/v1/meta/objects/ev_event | js v.label.en)" Booking "the object's label after the reinstall"
echo "custom pack walk-through passed"
