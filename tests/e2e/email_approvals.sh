#!/usr/bin/env bash
# Approvals decided by email reply, end to end with the real binary: a procedure review asks for
# approval, the approver's request goes out as mail with a reply token, and replies written as
# Outlook writes them (Authentication-Results from our own mail server) come back through
# `mail ingest`. GODKJENN and AVVIS <begrunnelse> from the approver decide and are confirmed by
# mail; AVVIS without a reason, a verified colleague who is not the approver, and a forged sender
# change nothing and are told why.
source "$(dirname "$0")/lib.bash"

KARI=kari.nordmann@eksempel.kommune.no   # revision owner of HO-PR-012
PER=per.hansen@eksempel.kommune.no       # owner of HO-PR-012: approves, reads email
LINE=line.karlsen@eksempel.kommune.no    # revision owner of FA-PR-002
INGRID=ingrid.bakke@eksempel.kommune.no  # owner of FA-PR-002: approves, reads email
OLE=ole.berg@eksempel.kommune.no         # a colleague at Solbakken, not an approver

sed -e '/^email = "per.hansen@eksempel.kommune.no"$/a channel = "email"' \
    -e '/^email = "ingrid.bakke@eksempel.kommune.no"$/a channel = "email"' \
    "$SRC/config/organisation.toml" > "$T/org.toml"
sed -i "s|^organisation = .*|organisation = \"$T/org.toml\"|" "$CFG"
cat >> "$CFG" <<TOML

[email]
outbox_dir = "$T/outbox"
trusted_authserv_id = "mx.eksempel.kommune.no"
TOML

"$KV" --config "$CFG" import procedures "$SRC/config/procedures-example.csv" > /dev/null
"$KV" --config "$CFG" remind --at 2026-11-02T07:00:00Z > /dev/null  # the 30-day review reminders

out=$(printf '2\n1.4\n-\nNytt avsnitt om sengehester og nattlig tilsyn\n' | chat $KARI)
expect_contains "$out" "Sendt til Per Hansen for godkjenning." "Kari asks Per to approve HO-PR-012 1.4"
out=$(printf '3\nProsedyren er erstattet av den nye kvalitetshåndboken\n' | chat $LINE)
expect_contains "$out" "Sendt til Ingrid Bakke for godkjenning." "Line asks Ingrid to approve deleting FA-PR-002"
approval() { sql "select state || '|' || decided_by || '|' || comment from approvals where subject = '$1'"; }

# Undecided for ten days: the scheduler would remind each approver with the approval's card.
LATER=$(date -u -d '+10 days' +%Y-%m-%dT%H:%M:%SZ)
waiting() { "$KV" --config "$CFG" remind --at "$LATER" --dry-run | grep '"kind":"approval"' || true; }
out=$(waiting)
expect_contains "$(grep "\"recipient\":\"$PER\"" <<<"$out")" "Venter på din godkjenning: HO-PR-012" \
    "an approval nobody has decided in ten days reminds Per of it"
expect_contains "$(grep "\"recipient\":\"$INGRID\"" <<<"$out")" "Venter på din godkjenning: FA-PR-002" \
    "and Ingrid of hers"

"$KV" --config "$CFG" serve > "$T/serve.out" 2> "$T/serve.err" &
SERVE_PID=$!
trap 'kill $SERVE_PID 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$T"' EXIT

# mail_with ADDRESS TEXT: the path of the mail written for ADDRESS whose subject or plain text
# contains TEXT (waits up to 20 s for the daemon to deliver it).
mail_with() {
    local f
    for _ in $(seq 1 400); do
        for f in $(ls "$T"/outbox/*-"$1".eml 2>/dev/null | sort); do
            { header "$f" Subject; plain "$f"; } | grep -F -- "$2" > /dev/null && { echo "$f"; return 0; }
        done
        sleep 0.05
    done
    fail "no mail to $1 with \"$2\": $(cat "$T/serve.err")"
}
header() { python3 -c '
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m[sys.argv[2]])' "$1" "$2"; }
plain() { python3 -c '
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m.get_body(preferencelist=("plain",)).get_content())' "$1"; }

# reply_to REQUEST FROM NAME DMARC FIRST_LINE: a reply to REQUEST as Outlook writes it, with the
# request quoted below (its GODKJENN / AVVIS footer included), received by our mail server.
reply_to() {
    local N
    N=$(($(ls "$T" | grep -c '^reply-') + 1))
    cat > "$T/reply-$N.eml" <<EML
Received: from mail.eksempel.kommune.no (192.0.2.10) by mx.eksempel.kommune.no; Mon, 23 Nov 2026 09:0$N:00 +0000
Authentication-Results: mx.eksempel.kommune.no;
 spf=$4 smtp.mailfrom=eksempel.kommune.no;
 dkim=$4 header.d=eksempel.kommune.no;
 dmarc=$4 action=none header.from=eksempel.kommune.no
From: $3 <$2>
To: $(header "$1" Reply-To)
Subject: SV: $(header "$1" Subject)
Date: Mon, 23 Nov 2026 09:0$N:00 +0000
Message-ID: <approval-reply-$N@eksempel.kommune.no>
In-Reply-To: $(header "$1" Message-ID)
References: $(header "$1" Message-ID)
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

$5

Med vennlig hilsen
$3

________________________________
Fra: Kvalitetsvakt <kvalitetsvakt@eksempel.kommune.no>
Sendt: mandag 23. november 2026 08:00
Til: $2
Emne: $(header "$1" Subject)

$(plain "$1" | sed 's/\r$//')
EML
    "$KV" --config "$CFG" mail ingest < "$T/reply-$N.eml"
}
field() { python3 -c 'import json, sys; print(json.loads(sys.stdin.read())[sys.argv[1]])' "$1"; }

REQUEST=$(mail_with $PER "Til godkjenning: HO-PR-012")
expect_contains "$(header "$REQUEST" Subject)" "Til godkjenning: HO-PR-012 Forebygging av fall: ny versjon 1.4" \
    "Per's approval request arrives by mail"
expect_contains "$(header "$REQUEST" Reply-To)" "<kvalitetsvakt+" "it carries a reply token in Reply-To"
expect_contains "$(plain "$REQUEST")" "AVVIS <begrunnelse>" "its footer says how to approve or reject"
[ "$(sql "select count(*) from email_threads where recipient_email = '$PER' and subject_key = 'approval:1'")" = 1 ] \
    && ok "the token is stored for approval 1 and Per" || fail "threads: $(sql "select * from email_threads")"

r=$(reply_to "$REQUEST" $PER "Per Hansen" pass "AVVIS")
[ "$(field outcome <<<"$r")" = not_understood ] && ok "AVVIS without a reason is refused" || fail "AVVIS alone: $r"
expect_contains "$(field detail <<<"$r")" "keyword without its text" "the outcome says the reason is missing"
[ "$(approval HO-PR-012)" = "pending||" ] && ok "and decides nothing" || fail "decided: $(approval HO-PR-012)"
mail_with $PER "AVVIS må følges av en begrunnelse på samme linje" > /dev/null \
    && ok "Per is told by mail that AVVIS needs a reason"

r=$(reply_to "$REQUEST" $OLE "Ole Berg" pass "GODKJENN")
[ "$(field outcome <<<"$r")" = rejected_unknown_sender ] && ok "GODKJENN from a verified colleague is refused" \
    || fail "wrong person: $r"
[ "$(field detail <<<"$r")" = "not entitled to approval.approve" ] && ok "because he is not the approver" \
    || fail "detail: $r"
[ "$(approval HO-PR-012)" = "pending||" ] && ok "and decides nothing" || fail "decided: $(approval HO-PR-012)"
mail_with $OLE "bare Per Hansen kan godkjenne eller avvise dette" > /dev/null \
    && ok "Ole is told by mail who may decide"

r=$(reply_to "$REQUEST" $PER "Per Hansen" fail "GODKJENN")
[ "$(field outcome <<<"$r")" = rejected_unverified ] && ok "GODKJENN in Per's name that DMARC failed is refused" \
    || fail "forged: $r"
[ "$(approval HO-PR-012)" = "pending||" ] && ok "and decides nothing" || fail "decided: $(approval HO-PR-012)"

r=$(reply_to "$REQUEST" $PER "Per Hansen" pass "GODKJENN")
[ "$(field outcome <<<"$r")" = approval_recorded ] && ok "GODKJENN from Per records the approval" || fail "approve: $r"
[ "$(approval HO-PR-012)" = "approved|$PER|" ] && ok "approval 1 is approved by Per" || fail "state: $(approval HO-PR-012)"
[ "$(sql "select version from procedures where id = 'HO-PR-012'")" = 1.4 ] && ok "HO-PR-012 is now version 1.4" \
    || fail "version: $(sql "select version from procedures where id = 'HO-PR-012'")"
[ "$(sql "select count(*) from audit where action = 'approval.approve' and actor_email = '$PER' and via = 'email' and outcome = 'ok'")" = 1 ] \
    && ok "the audit says Per approved by email" || fail "audit: $(sql "select * from audit where action like 'approval%'")"
mail_with $PER "Godkjent av Per Hansen" > /dev/null && ok "Per gets a confirmation by mail"
expect_contains "$(chat $KARI < /dev/null)" "Godkjent av Per Hansen" "Kari is told in chat that it was approved"
r=$("$KV" --config "$CFG" mail ingest < "$(ls "$T"/reply-*.eml | sort -V | tail -1)")
[ "$(field outcome <<<"$r")" = duplicate ] && ok "the same reply delivered again is a duplicate" || fail "again: $r"

REQUEST=$(mail_with $INGRID "Til godkjenning: FA-PR-002")
r=$(reply_to "$REQUEST" $INGRID "Ingrid Bakke" pass "AVVIS Prosedyren er lovpålagt og skal beholdes")
[ "$(field outcome <<<"$r")" = approval_recorded ] && ok "AVVIS with a reason from Ingrid records the rejection" \
    || fail "reject: $r"
[ "$(approval FA-PR-002)" = "rejected|$INGRID|Prosedyren er lovpålagt og skal beholdes" ] \
    && ok "approval 2 is rejected with Ingrid's reason" || fail "state: $(approval FA-PR-002)"
[ "$(sql "select active from procedures where id = 'FA-PR-002'")" = 1 ] && ok "FA-PR-002 is kept" || fail "deleted"
mail_with $INGRID "Avvist av Ingrid Bakke" > /dev/null && ok "Ingrid gets a confirmation by mail"
expect_contains "$(chat $LINE < /dev/null)" "Prosedyren er lovpålagt og skal beholdes" "Line sees the reason in chat"

[ -z "$(waiting)" ] && ok "decided, neither approval is reminded any more" || fail "still reminded: $(waiting)"

kill -TERM $SERVE_PID; wait $SERVE_PID || fail "serve did not stop cleanly"
finish
