#!/usr/bin/env bash
# Replies to procedure mails, end to end with the real binary: a revision owner's review reminder
# and a reading-list mail go out as mail with a reply token, and replies written as Outlook
# writes them come back through `mail ingest`. "Ingen endring" to the review reminder records the
# review, "Lest" to the reading-list mail confirms the reading; the case and approval keywords,
# free text, a colleague and a forged sender do nothing there and are told why; replies to a mail
# no reply can act on are answered and change nothing. No reply to a procedure mail ever touches
# a case.
source "$(dirname "$0")/lib.bash"

KARI=kari.nordmann@eksempel.kommune.no  # revision owner of HO-PR-012, reads email
OLE=ole.berg@eksempel.kommune.no        # a colleague at Solbakken, not the revision owner

sed -e '/^email = "kari.nordmann@eksempel.kommune.no"$/a channel = "email"' \
    -e '/^email = "ole.berg@eksempel.kommune.no"$/a channel = "email"' \
    "$SRC/config/organisation.toml" > "$T/org.toml"
sed -i "s|^organisation = .*|organisation = \"$T/org.toml\"|" "$CFG"
cat >> "$CFG" <<TOML

[email]
outbox_dir = "$T/outbox"
trusted_authserv_id = "mx.eksempel.kommune.no"
TOML

"$KV" --config "$CFG" import procedures "$SRC/config/procedures-example.csv" > /dev/null
"$KV" --config "$CFG" remind --at 2026-11-02T07:00:00Z > /dev/null  # Kari's 30-day reminder
# HO-PR-011 5.0 and FA-PR-002 3.2 on Kari's reading list on Monday: Tuesday morning's batch.
for p in "HO-PR-011 5.0" "FA-PR-002 3.2"; do
    set -- $p
    sql "insert into reading_list (procedure_id, version, email, assigned_at)
         values ('$1', '$2', '$KARI', $(date -u -d 2026-11-02T10:00:00+01:00 +%s))"
done
"$KV" --config "$CFG" remind --at 2026-11-03T05:00:00Z > /dev/null

# A case with history, which no reply below may touch.
YEAR=$(TZ=Europe/Oslo date +%Y)
sed "s/{FNR}/$(valid_fnr)/" "$SRC/tests/fixtures/email/report-new-plain-nb.eml" \
    | "$KV" --config "$CFG" mail ingest > /dev/null
"$KV" --config "$CFG" chat --as per.hansen@eksempel.kommune.no <<< "motta AV-$YEAR-0001" > /dev/null
history() { sql "select count(*) from case_events"; }
case_audit() { sql "select count(*) from audit where action like 'case.%'"; }
HISTORY=$(history)
CASE_AUDIT=$(case_audit)
CASES=$(sql "select count(*) from cases")
[ "$CASES" = 1 ] && [ "$HISTORY" -ge 2 ] && ok "a case with history exists ($HISTORY entries)" \
    || fail "case setup: $CASES cases, $HISTORY history entries"

"$KV" --config "$CFG" serve > "$T/serve.out" 2> "$T/serve.err" &
SERVE_PID=$!
trap 'kill $SERVE_PID 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$T"' EXIT

# mail_with ADDRESS TEXT [AFTER]: the path of the newest mail written for ADDRESS whose subject
# or plain text contains TEXT, other than AFTER (waits up to 20 s for the daemon to deliver it).
mail_with() {
    local f
    for _ in $(seq 1 400); do
        for f in $(ls "$T"/outbox/*-"$1".eml 2>/dev/null | sort -r); do
            [ "$f" = "${3:-}" ] && continue
            { header "$f" Subject; plain "$f"; } | grep -F -- "$2" > /dev/null && { echo "$f"; return 0; }
        done
        sleep 0.05
    done
    fail "no mail to $1 with \"$2\": $(cat "$T/serve.err")"
}
# answers_to ADDRESS: how many mails were written for ADDRESS, once the daemon has sent all
# that is due.
answers_to() {
    for _ in $(seq 1 400); do
        [ "$(sql "select count(*) from outbox where channel = 'email' and state = 'pending'
                  and not_before <= strftime('%s', 'now')")" = 0 ] && break
        sleep 0.05
    done
    ls "$T"/outbox/*-"$1".eml 2>/dev/null | wc -l
}
# wait_for_answers ADDRESS N: waits until N mails were written for ADDRESS; prints the newest.
wait_for_answers() {
    for _ in $(seq 1 400); do
        [ "$(ls "$T"/outbox/*-"$1".eml 2>/dev/null | wc -l)" -ge "$2" ] \
            && { ls -t "$T"/outbox/*-"$1".eml | head -1; return 0; }
        sleep 0.05
    done
    fail "no mail number $2 to $1: $(cat "$T/serve.err")"
}
header() { python3 -c '
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m[sys.argv[2]])' "$1" "$2"; }
plain() { python3 -c '
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m.get_body(preferencelist=("plain",)).get_content())' "$1"; }

# reply_to MAIL FROM NAME DMARC FIRST_LINE: a reply to MAIL as Outlook writes it, with the mail
# quoted below, received by our mail server.
reply_to() {
    local N
    N=$(($(ls "$T" | grep -c '^reply-') + 1))
    cat > "$T/reply-$N.eml" <<EML
Received: from mail.eksempel.kommune.no (192.0.2.10) by mx.eksempel.kommune.no; Mon, 23 Nov 2026 09:00:00 +0000
Authentication-Results: mx.eksempel.kommune.no;
 spf=$4 smtp.mailfrom=eksempel.kommune.no;
 dkim=$4 header.d=eksempel.kommune.no;
 dmarc=$4 action=none header.from=eksempel.kommune.no
From: $3 <$2>
To: $(header "$1" Reply-To)
Subject: SV: $(header "$1" Subject)
Date: Mon, 23 Nov 2026 09:00:00 +0000
Message-ID: <procedure-reply-$N@eksempel.kommune.no>
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
Sendt: mandag 2. november 2026 08:00
Til: $2
Emne: $(header "$1" Subject)

$(plain "$1" | sed 's/\r$//')
EML
    "$KV" --config "$CFG" mail ingest < "$T/reply-$N.eml"
}
field() { python3 -c 'import json, sys; v = json.loads(sys.stdin.read())[sys.argv[1]]; print("null" if v is None else v)' "$1"; }
reviewed() { sql "select last_reviewed from procedures where id = 'HO-PR-012'"; }
untouched() {  # untouched DESCRIPTION: no case, case history or case audit row was added
    [ "$(sql "select count(*) from cases")" = "$CASES" ] && [ "$(history)" = "$HISTORY" ] \
        && [ "$(case_audit)" = "$CASE_AUDIT" ] && ok "$1: no case and no case history touched" \
        || fail "$1 touched a case: $(sql "select action, subject from audit where action like 'case.%'")"
}
REVIEWED=$(reviewed)

REMINDER=$(mail_with $KARI "Gjennomgang av HO-PR-012")
expect_contains "$(header "$REMINDER" Reply-To)" "<kvalitetsvakt+" "Kari's review reminder has a reply token"
expect_contains "$(plain "$REMINDER")" "INGEN ENDRING  (Ingen endring)" "its footer says she can reply INGEN ENDRING"
[ "$(sql "select subject_key from email_threads where message_id = '$(header "$REMINDER" Message-ID | tr -d '<>')'")" = procedure:HO-PR-012 ] \
    && ok "the token is stored for the review of HO-PR-012" || fail "threads: $(sql "select * from email_threads")"

n=$(answers_to $KARI)
r=$(reply_to "$REMINDER" $KARI "Kari Nordmann" pass "GODKJENN")
[ "$(field outcome <<<"$r")" = not_understood ] && ok "GODKJENN to a review reminder is not understood" \
    || fail "GODKJENN: $r"
[ "$(field detail <<<"$r")" = "case and approval keywords do not apply to a procedure review" ] \
    && ok "the outcome says the keywords do not apply" || fail "detail: $r"
[ "$(field case <<<"$r")" = null ] && ok "and names no case" || fail "case: $r"
[ "$(reviewed)" = "$REVIEWED" ] && ok "the review is not recorded" || fail "reviewed: $(reviewed)"
untouched "GODKJENN"
expect_contains "$(plain "$(wait_for_answers $KARI $((n + 1)))")" "Svar «Ingen endring» først i svaret" \
    "Kari is told by mail what she can reply"

n=$(answers_to $KARI)
r=$(reply_to "$REMINDER" $KARI "Kari Nordmann" pass "Jeg tror prosedyren må oppdateres etter fallet i forrige uke.")
[ "$(field outcome <<<"$r")" = not_understood ] && ok "free text to a review reminder is not understood" \
    || fail "free text: $r"
[ "$(field detail <<<"$r")" = "a procedure review reply needs NO CHANGE" ] && ok "the outcome says what it needs" \
    || fail "detail: $r"
untouched "free text"
[ "$(sql "select count(*) from audit where action = 'case.add_info'")" = 0 ] \
    && ok "nothing is added to any case as information" || fail "added as case information"
expect_contains "$(plain "$(wait_for_answers $KARI $((n + 1)))")" "Ny versjon eller forslag om sletting" \
    "and how to ask for a new version or a deletion"

r=$(reply_to "$REMINDER" $OLE "Ole Berg" pass "Ingen endring")
[ "$(field outcome <<<"$r")" = rejected_unknown_sender ] && ok "Ingen endring from a colleague is refused" \
    || fail "colleague: $r"
[ "$(field detail <<<"$r")" = "not entitled to review.keep" ] && ok "because he is not the revision owner" \
    || fail "detail: $r"
[ "$(reviewed)" = "$REVIEWED" ] && ok "and records nothing" || fail "reviewed: $(reviewed)"

r=$(reply_to "$REMINDER" $KARI "Kari Nordmann" fail "Ingen endring")
[ "$(field outcome <<<"$r")" = rejected_unverified ] && ok "Ingen endring in Kari's name that DMARC failed is refused" \
    || fail "forged: $r"
[ "$(reviewed)" = "$REVIEWED" ] && ok "and records nothing" || fail "reviewed: $(reviewed)"

n=$(answers_to $KARI)
r=$(reply_to "$REMINDER" $KARI "Kari Nordmann" pass "Ingen endring")
[ "$(field outcome <<<"$r")" = approval_recorded ] && ok "Ingen endring from Kari records the review" \
    || fail "no change: $r"
[ "$(field detail <<<"$r")" = review.keep ] && ok "as the Ingen endring button does" || fail "detail: $r"
[ "$(reviewed)" = "$(TZ=Europe/Oslo date +%F)" ] && ok "HO-PR-012 is reviewed today, so its interval starts again" \
    || fail "reviewed: $(reviewed)"
[ "$(sql "select count(*) from audit where action = 'review.keep' and actor_email = '$KARI' and via = 'email' and outcome = 'ok'")" = 1 ] \
    && ok "the audit says Kari reviewed it by email" || fail "audit: $(sql "select * from audit where action like 'review%'")"
untouched "Ingen endring"
expect_contains "$(plain "$(wait_for_answers $KARI $((n + 1)))")" "er gjennomgått uten endring" \
    "Kari gets a confirmation by mail"
r=$("$KV" --config "$CFG" mail ingest < "$(ls "$T"/reply-*.eml | sort -V | tail -1)")
[ "$(field outcome <<<"$r")" = duplicate ] && ok "the same reply delivered again is a duplicate" || fail "again: $r"

READING=$(mail_with $KARI "Nye prosedyrer å lese")
expect_contains "$(plain "$READING")" "LEST  (bekrefter at du har lest alt i denne e-posten)" \
    "the reading-list mail's footer says she can reply LEST"
[ "$(plain "$READING" | grep -c '^  LEST ')" = 1 ] && ok "once, for both procedures" \
    || fail "LEST offered $(plain "$READING" | grep -c '^  LEST ') times"
r=$(reply_to "$READING" $KARI "Kari Nordmann" pass "MOTTATT")
[ "$(field outcome <<<"$r")" = not_understood ] && ok "MOTTATT to a reading-list mail is not understood" \
    || fail "MOTTATT: $r"
[ "$(field detail <<<"$r")" = "case and approval keywords do not apply to a reading list" ] \
    && ok "the outcome says the keywords do not apply" || fail "detail: $r"
[ "$(sql "select count(*) from reading_list where email = '$KARI' and read_at is not null")" = 0 ] \
    && ok "and confirms nothing" || fail "confirmed"
untouched "MOTTATT"

r=$(reply_to "$READING" $OLE "Ole Berg" pass "Lest")
[ "$(field outcome <<<"$r")" = not_understood ] && ok "Lest from someone the mail was not for confirms nothing" \
    || fail "Ole: $r"
[ "$(sql "select count(*) from reading_list where read_at is not null")" = 0 ] && ok "for nobody" \
    || fail "confirmed: $(sql "select * from reading_list where read_at is not null")"

n=$(answers_to $KARI)
r=$(reply_to "$READING" $KARI "Kari Nordmann" pass "Lest")
[ "$(field outcome <<<"$r")" = approval_recorded ] && ok "Lest from Kari confirms her reading" || fail "Lest: $r"
[ "$(field detail <<<"$r")" = reading.confirm ] && ok "as the Lest button does" || fail "detail: $r"
[ "$(sql "select group_concat(procedure_id || ' ' || version, ',') from (select * from reading_list where email = '$KARI' and read_at is not null order by procedure_id)")" = "FA-PR-002 3.2,HO-PR-011 5.0" ] \
    && ok "both procedures of the mail are confirmed read" \
    || fail "reading list: $(sql "select * from reading_list")"
untouched "Lest"
expect_contains "$(plain "$(wait_for_answers $KARI $((n + 1)))")" "Registrert at du har lest" \
    "Kari gets a confirmation by mail"

# A mail no reply acts on (an annual-wheel reminder is threaded under its wheel item).
sql "insert into email_threads (message_id, token, recipient_email, subject_key, sent_at)
     values ('wheel.1@eksempel.kommune.no', 'wheeltoken1', '$KARI', 'wheel:vernerunde:2026-11-02', 0)"
cp "$REMINDER" "$T/wheel.eml"
sed -i -e 's/^Reply-To: .*/Reply-To: Kvalitetsvakt <kvalitetsvakt+wheeltoken1@eksempel.kommune.no>/' \
    -e 's/^Message-ID: .*/Message-ID: <wheel.1@eksempel.kommune.no>/' "$T/wheel.eml"
n=$(answers_to $KARI)
r=$(reply_to "$T/wheel.eml" $KARI "Kari Nordmann" pass "Ingen endring")
[ "$(field outcome <<<"$r")" = not_understood ] && ok "a reply to an annual-wheel reminder is not understood" \
    || fail "wheel: $r"
[ "$(field detail <<<"$r")" = "replies to this kind of mail are not read" ] && ok "the outcome says why" \
    || fail "detail: $r"
untouched "a reply to an annual-wheel reminder"
expect_contains "$(plain "$(wait_for_answers $KARI $((n + 1)))")" "Svar på denne e-posten kan jeg ikke gjøre noe med" \
    "Kari is told by mail that nothing was done"

kill -TERM $SERVE_PID; wait $SERVE_PID || fail "serve did not stop cleanly"
finish
