#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Self-test of taube-rig, TAP on stdout.  Run it under
#   taube-rig --with dovecot,keyring,display,notifications -- /usr/bin/python3 test-rig.py
# It checks that every service the rig promises is really there and usable,
# the way Taube will use it.  Standard library only; passwords are never printed.

import email.message
import email.utils
import imaplib
import os
import poplib
import smtplib
import ssl
import subprocess
import sys
import time
import traceback
import uuid

ENV = os.environ


def tls_context():
    """Verify against the rig's per-run CA only (not the system store)."""
    ctx = ssl.create_default_context(cafile=ENV['TAUBE_RIG_CA'])
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def host():
    return ENV['TAUBE_RIG_HOST']


def port(name):
    return int(ENV['TAUBE_RIG_%s_PORT' % name])


def run(argv, **kw):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=15, **kw)


# ---------------------------------------------------------------------------
# Checks: each raises (AssertionError or otherwise) on failure.
# ---------------------------------------------------------------------------

def check_private_dirs():
    rig = ENV['TAUBE_RIG_DIR']
    for var in ('HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME',
                'XDG_STATE_HOME', 'XDG_RUNTIME_DIR'):
        assert ENV[var].startswith(rig + '/'), '%s is outside the rig dir' % var
    mode = os.stat(ENV['XDG_RUNTIME_DIR']).st_mode & 0o777
    assert mode == 0o700, 'XDG_RUNTIME_DIR mode %o' % mode
    assert 'WAYLAND_DISPLAY' not in ENV


REQUIRED_CAPS = ('QUOTA', 'COMPRESS=DEFLATE', 'QRESYNC', 'CONDSTORE', 'MOVE',
                 'UIDPLUS', 'SPECIAL-USE', 'IDLE')


def check_imaps_login():
    with imaplib.IMAP4_SSL(host(), port('IMAPS'), ssl_context=tls_context(),
                           timeout=10) as m:
        assert m.welcome.startswith(b'* OK'), m.welcome
        m.login(ENV['TAUBE_RIG_USER'], ENV['TAUBE_RIG_PASSWORD'])
        typ, data = m.capability()
        assert typ == 'OK'
        caps = data[0].decode().upper().split()
        missing = [c for c in REQUIRED_CAPS if c not in caps]
        assert not missing, 'CAPABILITY after login lacks %s' % missing
        m.logout()


def check_special_use():
    with imaplib.IMAP4_SSL(host(), port('IMAPS'), ssl_context=tls_context(),
                           timeout=10) as m:
        m.login(ENV['TAUBE_RIG_USER'], ENV['TAUBE_RIG_PASSWORD'])
        typ, data = m._simple_command('LSUB', '""', '*')
        typ, data = m._untagged_response(typ, data, 'LSUB')
        lsub = b' '.join(d for d in data if d).decode()
        typ, data = m.list()
        listing = b'\n'.join(d for d in data if d).decode()
        for box in ('Drafts', 'Sent', 'Trash', 'Junk', 'Archive'):
            assert '\\%s' % box in listing, 'no \\%s in LIST: %s' % (box, listing)
            assert box in lsub, '%s not subscribed' % box
        assert '"/"' in listing, 'separator is not "/": %s' % listing
        m.logout()


def check_imap_starttls():
    with imaplib.IMAP4(host(), port('IMAP'), timeout=10) as m:
        assert 'STARTTLS' in m.capabilities
        m.starttls(ssl_context=tls_context())
        m.login(ENV['TAUBE_RIG_USER'], ENV['TAUBE_RIG_PASSWORD'])
        m.logout()


def check_remote_logindisabled():
    with imaplib.IMAP4(ENV['TAUBE_RIG_REMOTE_HOST'], port('IMAP'), timeout=10) as m:
        assert 'LOGINDISABLED' in m.capabilities, m.capabilities
        assert 'STARTTLS' in m.capabilities, m.capabilities
        # ... and TLS verifies for the remote address too (IP SAN 127.0.0.2).
        m.starttls(ssl_context=tls_context())
        m.login(ENV['TAUBE_RIG_USER2'], ENV['TAUBE_RIG_PASSWORD2'])
        m.logout()


def check_pop3s_login():
    p = poplib.POP3_SSL(host(), port('POP3S'), context=tls_context(), timeout=10)
    try:
        assert p.getwelcome().startswith(b'+OK')
        p.user(ENV['TAUBE_RIG_USER'])
        p.pass_(ENV['TAUBE_RIG_PASSWORD'])
        p.stat()
    finally:
        p.quit()


def send_and_find(smtp_factory, subject_tag):
    """Send a message alice -> bob via SMTP_FACTORY(), find it in bob's INBOX."""
    msg_id = email.utils.make_msgid(domain='example.test')
    msg = email.message.EmailMessage()
    msg['From'] = ENV['TAUBE_RIG_USER']
    msg['To'] = ENV['TAUBE_RIG_USER2']
    msg['Subject'] = 'rig self-test %s %s' % (subject_tag, uuid.uuid4().hex)
    msg['Message-ID'] = msg_id
    msg['Date'] = email.utils.formatdate(localtime=True)
    msg.set_content('Grüße from the rig self-test.\n')
    with smtp_factory() as s:
        s.login(ENV['TAUBE_RIG_USER'], ENV['TAUBE_RIG_PASSWORD'])
        s.send_message(msg)
    deadline = time.monotonic() + 5
    with imaplib.IMAP4_SSL(host(), port('IMAPS'), ssl_context=tls_context(),
                           timeout=10) as m:
        m.login(ENV['TAUBE_RIG_USER2'], ENV['TAUBE_RIG_PASSWORD2'])
        while True:
            m.select('INBOX')
            typ, data = m.search(None, 'HEADER', 'Message-ID', '"%s"' % msg_id)
            if typ == 'OK' and data[0].split():
                break
            assert time.monotonic() < deadline, 'not in INBOX after 5 s'
            time.sleep(0.1)
        m.logout()


def check_submission_starttls():
    def factory():
        s = smtplib.SMTP(host(), port('SUBMISSION'), timeout=10)
        s.starttls(context=tls_context())
        return s
    send_and_find(factory, 'starttls')


def check_submissions_implicit_tls():
    send_and_find(lambda: smtplib.SMTP_SSL(host(), port('SUBMISSIONS'),
                                           context=tls_context(), timeout=10),
                  'implicit-tls')


def check_keyring():
    secret = uuid.uuid4().hex
    r = run(['secret-tool', 'store', '--label=taube rig self-test',
             'service', 'taube-rig-test', 'account', 'alice'], input=secret.encode())
    assert r.returncode == 0, 'store: %s' % r.stderr.decode()
    r = run(['secret-tool', 'lookup', 'service', 'taube-rig-test', 'account', 'alice'])
    assert r.returncode == 0, 'lookup: %s' % r.stderr.decode()
    assert r.stdout.decode().strip() == secret, 'lookup returned another secret'


def check_display():
    assert ENV.get('DISPLAY', '').startswith(':'), 'no DISPLAY'
    assert ENV.get('GDK_BACKEND') == 'x11'
    if os.path.exists('/usr/bin/xdpyinfo'):
        r = run(['xdpyinfo'])
        assert r.returncode == 0, r.stderr.decode()
        assert '1280x800' in r.stdout.decode(), 'screen is not 1280x800'
    else:
        shot = os.path.join(ENV['TMPDIR'], 'root.png')
        r = run(['import', '-window', 'root', shot])
        assert r.returncode == 0, r.stderr.decode()
        with open(shot, 'rb') as f:
            assert f.read(8) == b'\x89PNG\r\n\x1a\n'


def check_notifications():
    assert ENV.get('TAUBE_RIG_NOTIFICATIONS') == '1'
    tag = uuid.uuid4().hex
    r = run(['gdbus', 'call', '--session', '--dest', 'org.freedesktop.Notifications',
             '--object-path', '/org/freedesktop/Notifications', '--method',
             'org.freedesktop.Notifications.Notify', '--', 'taube-rig-test', '0', '',
             'Summary ' + tag, 'Body', '[]', '{}', '-1'])
    assert r.returncode == 0, 'Notify: %s' % r.stderr.decode()
    r = run(['gdbus', 'call', '--session', '--dest', 'org.freedesktop.Notifications',
             '--object-path', '/org/freedesktop/Notifications', '--method',
             'org.freedesktop.DBus.Mock.GetCalls'])
    assert r.returncode == 0, 'GetCalls: %s' % r.stderr.decode()
    out = r.stdout.decode()
    assert "'Notify'" in out and tag in out, 'Notify call not recorded: %s' % out


CHECKS = (
    ('private HOME and XDG dirs', check_private_dirs),
    ('IMAPS greeting and LOGIN, TLS verified against TAUBE_RIG_CA', check_imaps_login),
    ('special-use folders listed and subscribed', check_special_use),
    ('STARTTLS on the plain IMAP port', check_imap_starttls),
    ('LOGINDISABLED on the remote host\'s plaintext IMAP port', check_remote_logindisabled),
    ('POP3S login', check_pop3s_login),
    ('submission (STARTTLS) delivers to bob\'s INBOX', check_submission_starttls),
    ('submissions (implicit TLS) delivers to bob\'s INBOX', check_submissions_implicit_tls),
    ('secret-tool store/lookup on the private keyring', check_keyring),
    ('DISPLAY is answered by Xvfb', check_display),
    ('Notify is recorded by the mock notification server', check_notifications),
)


def main():
    print('1..%d' % len(CHECKS), flush=True)
    failed = 0
    for n, (name, check) in enumerate(CHECKS, 1):
        try:
            check()
        except Exception:
            failed += 1
            print('not ok %d - %s' % (n, name))
            for line in traceback.format_exc().splitlines():
                print('# ' + line)
        else:
            print('ok %d - %s' % (n, name))
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
