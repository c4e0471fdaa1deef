#!/usr/bin/python3
"""SMTP sink for integration tests (used by start-smtp-sink.sh).

Accepts mail on a loopback address and stores every message as
  <maildir>/<seq>.eml   raw message bytes exactly as received (CRLF line ends)
  <maildir>/<seq>.json  envelope: mail_from, rcpt_tos, auth user, tls, peer
so a test can read what the daemon sent without parsing logs.

Features: STARTTLS (port 587 style) or implicit TLS (port 465 style) with a
PEM cert/key, AUTH PLAIN and LOGIN against one user/password, and AUTH
XOAUTH2 (the SASL format Microsoft 365 and Gmail use) against one fixed
bearer token.  Runs with Debian's python3-aiosmtpd (use /usr/bin/python3,
not a pyenv/venv python that cannot see Debian's dist-packages).
"""
import argparse
import asyncio
import base64
import itertools
import json
import os
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, outdir, user, password, token, reject_rcpt=None, tempfail_rcpt=None):
        self.outdir = outdir
        self.reject_rcpt = reject_rcpt
        self.tempfail_rcpt = tempfail_rcpt
        self.user = user.encode() if user else None
        self.password = password.encode() if password else None
        self.token = token
        # a restarted sink continues the numbering instead of overwriting earlier messages
        taken = [int(f[:6]) for f in os.listdir(outdir) if f[:6].isdigit()]
        self.seq = itertools.count(max(taken, default=0) + 1)
        self.lock = threading.Lock()

    # ---- AUTH -----------------------------------------------------------
    def authenticator(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and self.user is not None:
            if auth_data.login == self.user and auth_data.password == self.password:
                return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)

    async def auth_XOAUTH2(self, server, args):
        """SASL XOAUTH2: base64("user=" U "\\x01auth=Bearer " T "\\x01\\x01")."""
        if self.token is None:
            return AuthResult(success=False, handled=False)
        if len(args) == 1:                      # no initial response
            blob = await server.challenge_auth("")
            if not isinstance(blob, bytes):
                return AuthResult(success=False, handled=True)
        else:
            try:
                blob = base64.b64decode(args[1], validate=True)
            except Exception:
                await server.push("501 5.5.2 Can't decode base64")
                return AuthResult(success=False, handled=True)
        fields = dict(p.split(b"=", 1) for p in blob.split(b"\x01") if b"=" in p)
        user = fields.get(b"user", b"")
        ok = fields.get(b"auth", b"") == b"Bearer " + self.token.encode()
        if ok:
            return AuthResult(success=True,
                              auth_data=LoginPassword(user, b"<xoauth2>"))
        # RFC-style failure: a 334 with a JSON error, client answers empty line
        err = base64.b64encode(b'{"status":"401","schemes":"bearer"}').decode()
        await server.push("334 " + err)
        await server._reader.readline()
        return AuthResult(success=False, handled=False)

    # ---- RCPT -----------------------------------------------------------
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        """Recipients containing --reject-rcpt get 550, --tempfail-rcpt 450."""
        if self.reject_rcpt and self.reject_rcpt in address:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if self.tempfail_rcpt and self.tempfail_rcpt in address:
            return "450 4.2.1 <%s>: Mailbox busy, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    # ---- DATA -----------------------------------------------------------
    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            n = next(self.seq)
        base = os.path.join(self.outdir, "%06d" % n)
        raw = envelope.original_content or envelope.content
        with open(base + ".eml.tmp", "wb") as f:
            f.write(raw)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "mail_options": envelope.mail_options,
            "auth_user": (session.auth_data.login.decode("utf-8", "replace")
                          if isinstance(session.auth_data, LoginPassword)
                          else None),
            "tls": bool(server._tls_protocol) or server.transport.get_extra_info("sslcontext") is not None,
            "peer": list(session.peer) if session.peer else None,
        }
        with open(base + ".json", "w") as f:
            json.dump(meta, f, indent=1)
        os.rename(base + ".eml.tmp", base + ".eml")   # .eml appears last
        print("RECEIVED %s from=%s to=%s" % (base + ".eml", envelope.mail_from,
              ",".join(envelope.rcpt_tos)), flush=True)
        return "250 2.0.0 Ok: queued as %06d" % n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--maildir", required=True)
    ap.add_argument("--tls", choices=["none", "starttls", "implicit"], default="starttls")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--user", default="bot@example.test")
    ap.add_argument("--password", default="secret")
    ap.add_argument("--xoauth2-token", default="test-access-token")
    ap.add_argument("--auth-required", action="store_true")
    ap.add_argument("--reject-rcpt")
    ap.add_argument("--tempfail-rcpt")
    a = ap.parse_args()
    if a.host not in ("127.0.0.1", "::1", "localhost"):
        sys.exit("refusing to listen on a non-loopback address")
    os.makedirs(a.maildir, exist_ok=True)
    sink = Sink(a.maildir, a.user, a.password, a.xoauth2_token, a.reject_rcpt,
                a.tempfail_rcpt)

    ctx = None
    if a.tls != "none":
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)
    kw = dict(authenticator=sink.authenticator, auth_required=a.auth_required,
              # aiosmtpd only counts STARTTLS as "TLS"; with implicit TLS the
              # socket is already encrypted, and plain mode is for tests only
              auth_require_tls=(a.tls == "starttls"))
    if a.tls == "starttls":
        kw.update(tls_context=ctx, require_starttls=True)
        ctl = Controller(sink, hostname=a.host, port=a.port, server_hostname="localhost", **kw)
    elif a.tls == "implicit":
        ctl = Controller(sink, hostname=a.host, port=a.port, ssl_context=ctx,
                         server_hostname="localhost", **kw)
    else:
        ctl = Controller(sink, hostname=a.host, port=a.port, server_hostname="localhost", **kw)
    ctl.start()
    print("READY smtp %s:%d tls=%s pid=%d" % (a.host, a.port, a.tls, os.getpid()), flush=True)
    stop = threading.Event()
    for s in (signal.SIGTERM, signal.SIGINT):
        signal.signal(s, lambda *_: stop.set())
    stop.wait()
    ctl.stop()


if __name__ == "__main__":
    main()
