#!/usr/bin/env bash
# Enforces the dependency rules of docs/architecture.md on include lines.
set -u
root=${1:-.}
cd "$root" || exit 2
fail=0
check() {  # check DESCRIPTION DIR PATTERN
    local hits
    hits=$(grep -rnE "^\s*#\s*include\s*[<\"]($3)" "$2" --include='*.hpp' --include='*.cpp' 2>/dev/null)
    if [ -n "$hits" ]; then
        echo "layering: $1"
        echo "$hits"
        fail=1
    fi
}
io='boost/asio|boost/beast|sqlite3|curl/|openssl/|nlohmann/|toml\+\+/|daemon/|adapters/'
check "bot/ must not use I/O libraries or outer layers" bot "$io"
for a in console teams email; do
    others=$(echo "console teams email" | tr ' ' '\n' | grep -v "^$a$" | sed 's|^|adapters/|' | paste -sd'|')
    [ -d "adapters/$a" ] || continue
    check "adapters/$a must not include other adapters, Asio/Beast, SQLite or daemon/" "adapters/$a" \
        "$others|daemon/|boost/asio|boost/beast|sqlite3"
done
beast_outside=$(grep -rlE '#\s*include\s*[<"]boost/beast' daemon --include='*.hpp' --include='*.cpp' \
    | grep -vE '^daemon/(http|net)/')
if [ -n "$beast_outside" ]; then
    echo "layering: Beast only in daemon/http and daemon/net:"; echo "$beast_outside"; fail=1
fi
sqlite_outside=$(grep -rlE '#\s*include\s*[<"]sqlite3\.h' daemon adapters bot --include='*.hpp' --include='*.cpp' \
    | grep -vE '^daemon/store/.*\.cpp$')
if [ -n "$sqlite_outside" ]; then
    echo "layering: <sqlite3.h> only in daemon/store/*.cpp:"; echo "$sqlite_outside"; fail=1
fi
toml_outside=$(grep -rlE '#\s*include\s*[<"]toml\+\+' daemon adapters bot --include='*.hpp' --include='*.cpp' \
    | grep -vE '^daemon/config/')
if [ -n "$toml_outside" ]; then
    echo "layering: toml++ only in daemon/config:"; echo "$toml_outside"; fail=1
fi
[ $fail -eq 0 ] && echo "layering: ok"
exit $fail
