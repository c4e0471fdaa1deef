#!/usr/bin/env bash
# Copied from the shared mail test environment; started and stopped by the tests themselves.
# deliver-imap.sh DIR FILE.eml [MAILBOX]
# Puts one message into the test mailbox of a Dovecot started by
# start-dovecot.sh DIR ... (default mailbox INBOX; the message arrives unread).
# Uses "doveadm save", so Dovecot updates its index and wakes IMAP IDLE clients.
set -euo pipefail
DIR=$(cd "${1:?usage: $0 DIR FILE.eml [MAILBOX]}" && pwd)
FILE=${2:?usage: $0 DIR FILE.eml [MAILBOX]}
MBOX=${3:-INBOX}
USER_=$(cut -d: -f1 "$DIR/passwd" | head -n1)
doveadm -c "$DIR/dovecot.conf" save -u "$USER_" -m "$MBOX" < "$FILE"
