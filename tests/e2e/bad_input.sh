#!/usr/bin/env bash
# Bad input gets a clear error and loses nothing: unknown commands, a huge message, a broken
# configuration, a corrupt or read-only database, and two processes writing at once.
source "$(dirname "$0")/lib.bash"

KARI=kari.nordmann@eksempel.kommune.no

out=$(chat $KARI <<< "blablabla")
expect_contains "$out" "Det forsto jeg ikke" "an unknown command is answered"
expect_contains "$out" "mine saker" "and the answer lists what the person can type"

huge=$(head -c 100000 /dev/zero | tr '\0' 'x')
out=$(printf 'avvik: %s\n' "$huge" | chat $KARI)
expect_contains "$out" "Meldingen er for lang" "a 100 000-character message is refused with a clear reply"
[ "$(sql "select count(*) from cases")" = 0 ] && ok "and nothing is stored" || fail "nothing stored"
[ "$(sql "select count(*) from conversations")" = 0 ] && ok "and no half-filed draft is kept" || fail "no draft"

out=$(chat nobody@example.org <<< "hjelp" 2>&1) && fail "an unknown person may not chat" || true
expect_contains "$out" "not an active person" "an unknown person is refused"

# A configuration with a typo and a wrong value: exit 2, each error with file, line and key.
bad="$T/bad.toml"
cat > "$bad" <<TOML
[general]
organisation = "$SRC/config/organisation.toml"

[http]
port = "åtti"
listn = "127.0.0.1"
TOML
set +e; err=$("$KV" --config "$bad" check-config 2>&1); code=$?; set -e
[ $code = 2 ] && ok "a broken configuration exits 2" || fail "broken config exit code $code"
expect_contains "$err" "$bad:5: http.port" "the error names the file, line and key of the wrong value"
expect_contains "$err" "$bad:6: http.listn" "the typo is reported too, with its line"
set +e; "$KV" --config "$bad" serve > /dev/null 2>&1; code=$?; set -e
[ $code = 2 ] && ok "serve refuses to start on a broken configuration" || fail "serve exit $code"

# A file that is not a database is reported and left exactly as it was.
junk_cfg="$T/junk.toml"; junk_db="$T/junk.db"
write_config "$junk_cfg" "$junk_db"
head -c 8192 /dev/urandom > "$junk_db"
before=$(sha256sum < "$junk_db")
set +e; err=$("$KV" --config "$junk_cfg" chat --as $KARI <<< "hjelp" 2>&1); code=$?; set -e
[ $code != 0 ] && ok "a corrupt database gives a non-zero exit" || fail "corrupt db exit 0"
expect_contains "$err" "$junk_db" "the error names the database file"
[ "$(sha256sum < "$junk_db")" = "$before" ] && ok "the corrupt file is never overwritten" || fail "file changed"

# A read-only database: a clear error, the file untouched.
ro_cfg="$T/ro.toml"; ro_db="$T/ro/kv.db"
write_config "$ro_cfg" "$ro_db"
chat $KARI <<< "hjelp" > /dev/null
sed -i "s|$DB|$ro_db|" "$ro_cfg"
mkdir -p "$T/ro"; cp "$DB" "$ro_db"; chmod 755 "$T/ro"; chmod 444 "$ro_db"
before=$(sha256sum < "$ro_db")
as_other=()
ro_kv=$KV
if [ "$(id -u)" = 0 ]; then
    # Root may write anywhere, so the check runs as nobody, with copies nobody can reach.
    as_other=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    cp "$KV" "$T/kvalitetsvakt"; ro_kv="$T/kvalitetsvakt"
    cp "$SRC/config/organisation.toml" "$T/organisation.toml"
    sed -i "s|$SRC/config/organisation.toml|$T/organisation.toml|" "$ro_cfg"
    chmod 644 "$ro_cfg" "$T/organisation.toml"
fi
set +e; err=$(cd "$T" && "${as_other[@]}" "$ro_kv" --config "$ro_cfg" chat --as $KARI <<< "hjelp" 2>&1); code=$?; set -e
[ $code != 0 ] && ok "a read-only database gives a non-zero exit" || fail "read-only exit 0: $err"
expect_contains "$err" "$ro_db" "the read-only error names the file"
[ "$(sha256sum < "$ro_db")" = "$before" ] && ok "the read-only file is untouched" || fail "ro file changed"

# Two processes filing at the same time on the same database.
file_many() {
    for i in $(seq 1 15); do
        printf 'avvik: Feil nøkkel til medisinrommet nummer %s i går kl 08:00\ningen\n1\n' "$i"
    done | chat "$1" > "$T/$2.out"
}
file_many kari.nordmann@eksempel.kommune.no a & pa=$!
file_many ole.berg@eksempel.kommune.no b & pb=$!
wait $pa && wait $pb && ok "both processes finished" || fail "a writer failed"
[ "$(sql "select count(*) from cases")" = 30 ] && ok "every filing from both processes is stored" \
    || fail "expected 30 cases, found $(sql "select count(*) from cases")"
[ "$(sql "select count(distinct human_id) from cases")" = 30 ] && ok "case ids are unique" || fail "ids"
[ "$(sql "pragma integrity_check")" = ok ] && ok "the database passes integrity_check" || fail "integrity"
[ "$(grep -c 'registrert som' "$T/a.out")" = 15 ] && ok "each filer was told the id of every filing" || fail "receipts"
finish
