"""A real SMTP server on loopback for Roster's email tests (aiosmtpd, Debian python3-aiosmtpd).

Usage: smtp_server.py MODE PORT MAILDIR [CERT KEY]
  plain     SMTP without TLS and without SMTPUTF8; offers AUTH (allowed in clear: loopback
            only), which accepts user "mailer" with the password in $ROSTER_SMTP_PASSWORD
  utf8      like plain, and offers SMTPUTF8 (RFC 6531)
  starttls  STARTTLS required before AUTH; AUTH as in plain mode
  implicit  TLS from the first byte (what a STARTTLS client must not hang on)
  silent    accepts connections and never says a word
Recipients containing "nobody" are refused with 550. Each message is written to MAILDIR as
N.eml with its envelope recipients, one a line, in N.rcpt. Every AUTH attempt, accepted or
not, appends "login<TAB>password" to MAILDIR/auth.log. Prints "ready" once listening.
"""
import asyncio
import os
import ssl
import sys
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Handler:
    def __init__(self, maildir):
        self.maildir = maildir
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "nobody" in address:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = os.path.join(self.maildir, str(self.count))
        with open(path + ".rcpt", "w", encoding="utf-8") as f:
            f.write("\n".join(envelope.rcpt_tos))
        with open(path + ".part", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(path + ".part", path + ".eml")
        return "250 Message accepted"


def recording_authenticator(maildir):
    def authenticator(server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False)
        with open(os.path.join(maildir, "auth.log"), "a", encoding="utf-8") as f:
            login = auth_data.login.decode("utf-8", "replace")
            password = auth_data.password.decode("utf-8", "replace")
            f.write(f"{login}\t{password}\n")
        ok = (
            auth_data.login == b"mailer"
            and auth_data.password == os.environ.get("ROSTER_SMTP_PASSWORD", "").encode()
        )
        return AuthResult(success=ok)

    return authenticator


async def silent(port):
    async def hold(reader, writer):
        await reader.read()

    server = await asyncio.start_server(hold, "127.0.0.1", port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


def main():
    # aiosmtpd 1.4 warns about its own use of a deprecated attribute on every AUTH.
    warnings.filterwarnings("ignore", message="Session.login_data")
    mode, port, maildir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if mode == "silent":
        asyncio.run(silent(port))
        return
    authenticator = recording_authenticator(maildir)
    if mode in ("plain", "utf8"):
        kwargs = dict(authenticator=authenticator, auth_require_tls=False,
                      enable_SMTPUTF8=mode == "utf8")
    elif mode in ("starttls", "implicit"):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(sys.argv[4], sys.argv[5])
        if mode == "starttls":
            kwargs = dict(tls_context=context, require_starttls=True,
                          authenticator=authenticator, auth_require_tls=True)
        else:
            kwargs = dict(ssl_context=context)
    else:
        sys.exit(f"unknown mode {mode}")
    controller = Controller(Handler(maildir), hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    print("ready", flush=True)
    try:
        asyncio.run(asyncio.Event().wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
