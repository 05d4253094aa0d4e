#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# smtp-to-lmtp.py — the relay host behind the rig's Dovecot submission service.
#
# Dovecot's submission service only relays with SMTP, while the only thing that
# can deliver into Dovecot's mailboxes is its LMTP listener.  This small SMTP
# server (python3-aiosmtpd) sits in between: it accepts what submission relays
# and hands every message to LMTP, so a message sent through submission really
# arrives in the recipient's INBOX.
#
# It is started and stopped (by pid) by taube-rig; it logs to stderr, which the
# rig sends to a file.  It never logs message contents.
#
#   smtp-to-lmtp.py --listen HOST --port N --lmtp-host HOST --lmtp-port M

import argparse
import asyncio
import signal
import smtplib
import sys

from aiosmtpd.smtp import SMTP


def log(msg):
    print('smtp-to-lmtp: ' + msg, file=sys.stderr, flush=True)


class LmtpForwarder:
    """aiosmtpd handler: passes each accepted message on to LMTP."""

    def __init__(self, lmtp_host, lmtp_port):
        self.lmtp_host = lmtp_host
        self.lmtp_port = lmtp_port

    def deliver(self, mail_from, rcpt_tos, content, mail_options):
        """Blocking LMTP transaction; returns the SMTP reply for the client.

        smtplib.LMTP does not know that LMTP answers DATA once per accepted
        recipient, so the extra replies are read with getreply() here."""
        with smtplib.LMTP(self.lmtp_host, self.lmtp_port, timeout=30) as lmtp:
            lmtp.ehlo_or_helo_if_needed()
            # Pass on only the ESMTP options LMTP itself announced
            # (BODY=8BITMIME, SMTPUTF8); SIZE and the like are dropped.
            options = []
            for opt in mail_options:
                if opt.upper() == 'BODY=8BITMIME' and lmtp.has_extn('8bitmime'):
                    options.append(opt)
                elif opt.upper() == 'SMTPUTF8' and lmtp.has_extn('smtputf8'):
                    options.append(opt)
            code, resp = lmtp.mail(mail_from, options)
            if code != 250:
                return '%d %s' % (code, resp.decode('utf-8', 'replace'))
            accepted, failed = [], []
            for rcpt in rcpt_tos:
                code, resp = lmtp.rcpt(rcpt)
                if code in (250, 251):
                    accepted.append(rcpt)
                else:
                    failed.append((rcpt, code, resp.decode('utf-8', 'replace')))
            if not accepted:
                rcpt, code, text = failed[0]
                return '%d %s' % (code, text)
            code, resp = lmtp.data(content)
            results = [(accepted[0], code, resp)]
            for rcpt in accepted[1:]:
                code, resp = lmtp.getreply()
                results.append((rcpt, code, resp))
            for rcpt, code, resp in results:
                if code != 250:
                    failed.append((rcpt, code, resp.decode('utf-8', 'replace')))
        for rcpt, code, text in failed:
            log('delivery to %s failed: %d %s' % (rcpt, code, text))
        if failed:
            # Some or all recipients failed: say so loudly, a test rig must not
            # hide lost mail.  (Partially delivered messages are reported as a
            # failure too; the log says which recipients got it.)
            rcpt, code, text = failed[0]
            return '%d %s' % (code if code >= 400 else 554, text)
        log('delivered message from %s to %s' % (mail_from, ', '.join(accepted)))
        return '250 OK delivered by LMTP'

    async def handle_DATA(self, server, session, envelope):
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                None, self.deliver, envelope.mail_from, list(envelope.rcpt_tos),
                envelope.original_content or envelope.content,
                list(envelope.mail_options))
        except (OSError, smtplib.SMTPException) as e:
            log('LMTP error: %r' % (e,))
            return '451 4.4.0 LMTP delivery failed: %s' % (e,)


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--listen', default='127.0.0.1')
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--lmtp-host', default='127.0.0.1')
    ap.add_argument('--lmtp-port', type=int, required=True)
    args = ap.parse_args()

    handler = LmtpForwarder(args.lmtp_host, args.lmtp_port)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname='relay.localhost', enable_SMTPUTF8=True,
                     decode_data=False),
        host=args.listen, port=args.port)

    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log('listening on %s:%d, delivering to LMTP %s:%d'
        % (args.listen, args.port, args.lmtp_host, args.lmtp_port))
    await stop.wait()
    server.close()


if __name__ == '__main__':
    asyncio.run(main())
