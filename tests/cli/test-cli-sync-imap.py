#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""taube-cli sync for an IMAP account against the rig's real Dovecot and keyring. TAP.

`sync --once` fills the store; `sync` without --once stays connected with IDLE, and a
message sent through Dovecot's submission (relayed to LMTP into the inbox) must be in the
store within 2 seconds. The wrong password runs last: Dovecot slows down logins after a
failed one.
"""
import os
import signal
import smtplib
import sqlite3
import ssl
import subprocess
import sys
import time

CLI = sys.argv[1]
HOST = os.environ['TAUBE_RIG_HOST']
USER = os.environ['TAUBE_RIG_USER']
PASSWORD = os.environ['TAUBE_RIG_PASSWORD']
CA = os.environ['TAUBE_RIG_CA']
IMAPS_PORT = int(os.environ['TAUBE_RIG_IMAPS_PORT'])
LMTP_PORT = int(os.environ['TAUBE_RIG_LMTP_PORT'])
SUBMISSION_PORT = int(os.environ['TAUBE_RIG_SUBMISSION_PORT'])
STORE = os.path.join(os.environ['XDG_DATA_HOME'], 'taube')
results = []


def check(name, ok, detail=''):
    results.append((name, ok, detail))


def run(*args, stdin=None, timeout=60):
    return subprocess.run([CLI, *args], input=stdin, capture_output=True, text=True,
                          timeout=timeout)


def message(subject):
    return (f'From: Bob <bob@example.test>\r\nTo: {USER}\r\nSubject: {subject}\r\n'
            f'Message-ID: <{subject}@example.test>\r\n\r\nHello.\r\n').encode()


def deliver(subject):
    with smtplib.LMTP('127.0.0.1', LMTP_PORT) as lmtp:
        lmtp.sendmail('bob@example.test', [USER], message(subject))


def submit(subject):
    context = ssl.create_default_context(cafile=CA)
    with smtplib.SMTP(HOST, SUBMISSION_PORT, timeout=10) as smtp:
        smtp.starttls(context=context)
        smtp.login(USER, PASSWORD)
        smtp.sendmail(USER, [USER], message(subject))


def stored(account_id, folder='INBOX'):
    """Subjects in the account's folder, and the folder's role."""
    path = os.path.join(STORE, 'index.sqlite')
    if not os.path.exists(path):
        return [], None
    db = sqlite3.connect(path, timeout=5)
    try:
        rows = db.execute('SELECT m.subject, f.role FROM folders AS f LEFT JOIN messages AS m'
                          ' ON m.folder_id = f.id WHERE f.account_id = ? AND f.name = ?',
                          (account_id, folder)).fetchall()
    except sqlite3.OperationalError:
        rows = []
    db.close()
    return [subject for subject, _ in rows if subject], rows[0][1] if rows else None


def add_account(password):
    out = run('account', 'add', '--email', USER, '--name', 'Alice', '--protocol', 'imap',
              '--host', HOST, '--port', str(IMAPS_PORT), '--security', 'tls',
              '--ca-file', CA, '--smtp-host', HOST, '--password-stdin',
              stdin=password + '\n')
    return out.stdout.strip(), out


deliver('imap-cli-1')
deliver('imap-cli-2')
account_id, out = add_account(PASSWORD)
check('an IMAP account is added', out.returncode == 0 and account_id, out.stderr)

out = run('sync', '--account', account_id, '--once')
check('sync --once succeeds and says 2 new',
      out.returncode == 0 and '2 new' in out.stdout, out.stdout + out.stderr)
subjects, role = stored(account_id)
check('both messages are in the INBOX', sorted(subjects) == ['imap-cli-1', 'imap-cli-2'],
      repr(subjects))
check('the INBOX has the inbox role', role == 1, repr(role))
check('special-use folders are followed', stored(account_id, 'Sent')[1] == 3,
      repr(stored(account_id, 'Sent')))

# The sync stored the headers only; show downloads the body on the reading session.
db = sqlite3.connect(os.path.join(STORE, 'index.sqlite'), timeout=5)
first_id, had_body = db.execute("SELECT id, path IS NOT NULL FROM messages "
                                "WHERE subject = 'imap-cli-1'").fetchone()
db.close()
out = run('show', str(first_id), '--text')
check('show downloads a header-only message and prints its text',
      out.returncode == 0 and not had_body and 'Hello.' in out.stdout, out.stdout + out.stderr)

out = run('sync', '--once')
check('a second sync finds nothing new', out.returncode == 0 and '0 new' in out.stdout,
      out.stdout + out.stderr)

# Stay connected: IDLE pushes a message sent through submission.
log_path = os.path.join(os.environ['XDG_CACHE_HOME'], 'sync-imap.log')
with open(log_path, 'w') as log_out:
    env = dict(os.environ, G_MESSAGES_DEBUG='taube-imap')
    proc = subprocess.Popen([CLI, 'sync', '--account', account_id], stdout=log_out,
                            stderr=log_out, text=True, env=env)
    deadline = time.monotonic() + 30
    idling = False
    lines = []
    while time.monotonic() < deadline and not idling:
        time.sleep(0.1)
        with open(log_path, errors='replace') as log_in:
            lines = log_in.readlines()
        idling = any('taube-imap-DEBUG' in line and line.rstrip().endswith(' IDLE')
                     for line in lines)
    check('sync without --once goes to IDLE', idling, ''.join(lines[-8:]))
    submit('imap-cli-pushed')
    sent = time.monotonic()
    arrived = None
    while time.monotonic() - sent < 5:
        if 'imap-cli-pushed' in stored(account_id)[0]:
            arrived = time.monotonic() - sent
            break
        time.sleep(0.05)
    check('a message sent through submission is in the store within 2 s',
          arrived is not None and arrived <= 2.0, f'took {arrived}')
    proc.send_signal(signal.SIGTERM)
    try:
        proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
    check('SIGTERM ends it with exit 0', proc.returncode == 0, str(proc.returncode))

# Last: a wrong password stops with a clear error.
out = run('account', 'remove', account_id)
bad_id, out = add_account('wrong-' + PASSWORD)
out = run('sync', '--account', bad_id, '--once', timeout=120)
check('a wrong password fails with exit 1 and says so',
      out.returncode == 1 and 'password' in out.stderr.lower() and bad_id in out.stderr,
      out.stdout + out.stderr)

print(f'1..{len(results)}')
print(f'# IDLE push: in the store {arrived} s after submission accepted it')
for number, (name, ok, detail) in enumerate(results, 1):
    print(f'{"ok" if ok else "not ok"} {number} - {name}')
    if not ok and detail:
        print('# ' + detail.replace('\n', '\n# '))
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
