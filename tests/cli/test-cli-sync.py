#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""taube-cli sync for a POP3 account against the rig's real Dovecot and keyring. TAP.

Mail is delivered through Dovecot's LMTP; what lands in the store is read back with
sqlite3 and compared byte for byte with what the server's RETR returns. The wrong
password runs last: Dovecot slows down logins after a failed one.
"""
import base64
import fcntl
import os
import poplib
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
POP3S_PORT = int(os.environ['TAUBE_RIG_POP3S_PORT'])
LMTP_PORT = int(os.environ['TAUBE_RIG_LMTP_PORT'])
STORE = os.path.join(os.environ['XDG_DATA_HOME'], 'taube')
results = []


def check(name, ok, detail=''):
    results.append((name, ok, detail))


def run(*args, stdin=None, timeout=60):
    return subprocess.run([CLI, *args], input=stdin, capture_output=True, text=True,
                          timeout=timeout)


def deliver(number):
    message = (f'From: Bob <bob@example.test>\r\nTo: {USER}\r\n'
               f'Subject: Sync test {number} – Grüße\r\n'
               f'Message-ID: <sync-{number}@example.test>\r\n'
               'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n'
               'Content-Transfer-Encoding: 8bit\r\n\r\n'
               f'Body {number}\r\n.leading dot\r\n').encode()
    with smtplib.LMTP('127.0.0.1', LMTP_PORT) as lmtp:
        lmtp.sendmail('bob@example.test', [USER], message)


def server_messages():
    """Message-ID -> the server's bytes, through POP3 like Taube sees them."""
    context = ssl.create_default_context(cafile=CA)
    pop = poplib.POP3_SSL(HOST, POP3S_PORT, context=context)
    pop.user(USER)
    pop.pass_(PASSWORD)
    found = {}
    for number in range(1, pop.stat()[0] + 1):
        lines = pop.retr(number)[1]
        raw = b'\r\n'.join(lines) + b'\r\n'
        for line in lines:
            if line.lower().startswith(b'message-id:'):
                found[line.split(b'<')[1].split(b'>')[0].decode()] = raw
    pop.quit()
    return found


def stored_messages(account_id):
    """Message-ID -> the stored file's bytes, for the account's inbox."""
    db = sqlite3.connect(os.path.join(STORE, 'index.sqlite'))
    rows = db.execute('SELECT m.message_id, m.path FROM messages AS m JOIN folders AS f'
                      ' ON f.id = m.folder_id WHERE f.account_id = ? AND f.name = ?',
                      (account_id, 'INBOX')).fetchall()
    db.close()
    stored = []
    for message_id, path in rows:
        with open(os.path.join(STORE, path), 'rb') as handle:
            stored.append((message_id, handle.read()))
    return stored


def same_as_server(stored, server):
    ids = [message_id for message_id, _ in stored]
    return (len(ids) == len(set(ids)) and set(ids) == set(server)
            and all(server[message_id] == raw for message_id, raw in stored))


def add_account(password):
    out = run('account', 'add', '--email', USER, '--name', 'Alice', '--protocol', 'pop3',
              '--host', HOST, '--port', str(POP3S_PORT), '--security', 'tls',
              '--ca-file', CA, '--smtp-host', HOST, '--password-stdin',
              stdin=password + '\n')
    return out.stdout.strip(), out


for n in range(3):
    deliver(n)

account_id, out = add_account(PASSWORD)
check('a POP3 account is added', out.returncode == 0 and account_id, out.stderr)

out = run('sync', '--account', account_id, '--once')
check('sync --once succeeds and says 3 new',
      out.returncode == 0 and f'{account_id}: 3 new' in out.stdout, out.stdout + out.stderr)
server = server_messages()
stored = stored_messages(account_id)
check('the store has every message once, byte for byte as on the server',
      len(stored) == 3 and same_as_server(stored, server),
      f'{len(stored)} stored, {len(server)} on the server')

out = run('sync', '--once')
check('a second sync finds nothing new', out.returncode == 0
      and f'{account_id}: 0 new' in out.stdout, out.stdout + out.stderr)
check('and stores no duplicate', len(stored_messages(account_id)) == 3)
check('the server keeps its copies (leave on server is the default)',
      len(server_messages()) == 3)

lock_path = os.path.join(STORE, f'sync-{account_id}.lock')
with open(lock_path, 'a') as lock:
    fcntl.flock(lock, fcntl.LOCK_EX)
    out = run('sync', '--account', account_id, '--once')
check('a sync while another process holds the account fails clearly',
      out.returncode == 1 and 'another Taube program' in out.stderr, out.stdout + out.stderr)

# Running: a message delivered meanwhile arrives with the next round; SIGTERM stops it.
proc = subprocess.Popen([CLI, 'sync', '--interval', '1'], stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE, text=True)
time.sleep(1.5)
deliver(3)
deadline = time.monotonic() + 20
while time.monotonic() < deadline and len(stored_messages(account_id)) < 4:
    time.sleep(0.2)
arrived = len(stored_messages(account_id)) == 4
proc.send_signal(signal.SIGTERM)
try:
    proc_out, proc_err = proc.communicate(timeout=20)
except subprocess.TimeoutExpired:
    proc.kill()
    proc_out, proc_err = proc.communicate()
check('sync without --once picks up a new message on its interval', arrived)
check('SIGTERM ends it with exit 0', proc.returncode == 0, f'{proc.returncode} {proc_err}')
check('every message still exactly once',
      same_as_server(stored_messages(account_id), server_messages()))

# Secrets: a sync with every debug message on shows the conversation, never the password,
# and no file of the profile holds it (the keyring's own files aside).
secrets = [PASSWORD.encode(),
           base64.b64encode(b'\0' + USER.encode() + b'\0' + PASSWORD.encode())]
deliver(4)
debug = subprocess.run([CLI, 'sync', '--account', account_id, '--once'], capture_output=True,
                       timeout=60, env={**os.environ, 'G_MESSAGES_DEBUG': 'all'})
log = debug.stdout + debug.stderr
check('a sync with G_MESSAGES_DEBUG=all logs the POP3 conversation',
      debug.returncode == 0 and b'C: RETR' in log, log.decode(errors='replace')[-2000:])
check('and never the password, plain or in a SASL response',
      not any(secret in log for secret in secrets))
leaks = []
for base in (os.environ['XDG_CONFIG_HOME'], os.environ['XDG_DATA_HOME']):
    for root, dirs, files in os.walk(base):
        dirs[:] = [d for d in dirs if d != 'keyrings']
        for name in files:
            with open(os.path.join(root, name), 'rb') as handle:
                if any(secret in handle.read() for secret in secrets):
                    leaks.append(os.path.join(root, name))
check('no file of the profile holds the password', not leaks, ' '.join(leaks))

out = run('sync', '--account', 'no-such-account', '--once')
check('an unknown account is a clear error', out.returncode == 1
      and 'no-such-account' in out.stderr, out.stderr)

# Last: a wrong password.
out = run('account', 'remove', account_id)
bad_id, out = add_account('wrong-' + PASSWORD)
out = run('sync', '--account', bad_id, '--once', timeout=120)
check('a wrong password fails with exit 1 and says so',
      out.returncode == 1 and 'password' in out.stderr and bad_id in out.stderr,
      out.stdout + out.stderr)
check('and stores nothing for that account', stored_messages(bad_id) == [])
# Staying in the background, a refused password is not tried again every round: servers
# lock accounts after repeated failed logins.
try:
    out = run('sync', '--account', bad_id, '--interval', '1', timeout=60)
    ended, err = out.returncode == 1, out.stderr
except subprocess.TimeoutExpired as timeout:
    ended, err = False, str(timeout.stderr)
check('sync without --once tries a refused password once, then ends with exit 1',
      ended and err.count(f'{bad_id}: failed') == 1 and 'not synchronized again' in err,
      f'{out.returncode} {err}')
check('and leaves the server as it was', len(server_messages()) == 5)

print(f'1..{len(results)}')
for number, (name, ok, detail) in enumerate(results, 1):
    print(f'{"ok" if ok else "not ok"} {number} - {name}')
    if not ok and detail:
        print('# ' + detail.replace('\n', '\n# '))
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
