#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""taube-cli send through the outbox and the rig's real Dovecot submission. TAP.

Messages are built with Python's email package. Delivery is checked in the recipients'
Maildirs on the rig (submission → relay → LMTP)."""
import glob
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage

CLI = sys.argv[1]
ENV = dict(os.environ, LC_ALL='C.UTF-8', LANGUAGE='')
WORK = tempfile.mkdtemp()
USER, USER2 = os.environ['TAUBE_RIG_USER'], os.environ['TAUBE_RIG_USER2']
results = []


def run(*args, stdin=None, timeout=60):
    return subprocess.run([CLI, *args], input=stdin, capture_output=True, text=True, env=ENV,
                          timeout=timeout)


def check(name, ok, detail=''):
    results.append((name, bool(ok), detail))


def closed_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def add_account(email, password, smtp_port):
    out = run('account', 'add', '--email', email, '--username', USER, '--name', 'Alice',
              '--protocol', 'pop3',
              '--host', os.environ['TAUBE_RIG_HOST'], '--port', os.environ['TAUBE_RIG_POP3S_PORT'],
              '--security', 'tls', '--smtp-host', os.environ['TAUBE_RIG_HOST'],
              '--smtp-port', str(smtp_port), '--smtp-security', 'starttls',
              '--ca-file', os.environ['TAUBE_RIG_CA'], '--password-stdin', stdin=password + '\n')
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def write_message(subject, to, bcc=None):
    msg = EmailMessage()
    msg['From'] = 'Alice <%s>' % USER
    msg['To'] = to
    if bcc:
        msg['Bcc'] = bcc
    msg['Subject'] = subject
    msg['Message-ID'] = '<%s.%s@example.test>' % (subject.replace(' ', '-'), os.urandom(6).hex())
    msg['Date'] = 'Sun, 29 Nov 2026 10:00:00 +0100'
    msg.set_content('Hallo Bob,\n\nein Gruß über die Kommandozeile.\n')
    path = os.path.join(WORK, subject.replace(' ', '-') + '.eml')
    with open(path, 'wb') as handle:
        handle.write(bytes(msg))
    return path, msg['Message-ID']


def delivered(user, message_id, wait=10.0):
    local = user.split('@')[0]
    pattern = os.path.join(os.environ['TAUBE_RIG_MAIL_DIR'], 'example.test', local, 'Maildir',
                           '*', '*')
    deadline = time.monotonic() + wait
    while True:
        for path in glob.glob(pattern):
            with open(path, 'rb') as handle:
                data = handle.read()
            if ('Message-ID: ' + message_id).encode() in data:
                return data
        if time.monotonic() > deadline:
            return None
        time.sleep(0.1)


account = add_account(USER, os.environ['TAUBE_RIG_PASSWORD'], os.environ['TAUBE_RIG_SUBMISSION_PORT'])

path, message_id = write_message('cli send', USER2, bcc=USER)
out = run('send', path, '--no-undo')
check('send --no-undo sends and exits 0', out.returncode == 0 and 'Sent.' in out.stdout,
      out.stdout + out.stderr)
got = delivered(USER2, message_id)
with open(path, 'rb') as handle:
    sent = handle.read().replace(b'\r\n', b'\n')
without_bcc = b''.join(line for line in sent.splitlines(True) if not line.startswith(b'Bcc:'))
check('the recipient got the file’s bytes, without Bcc',
      got is not None and got.endswith(without_bcc) and b'\nBcc:' not in got,
      repr(got)[:400])
check('the Bcc recipient got it too', delivered(USER, message_id) is not None)
out = run('folders', '--json')
sent_folders = [f for f in json.loads(out.stdout or '[]') if f.get('role') == 'sent']
check('a copy is in the local Sent folder of the POP3 account',
      len(sent_folders) == 1 and sent_folders[0].get('total') == 1
      and sent_folders[0].get('account_id') == account, out.stdout + out.stderr)

path, message_id = write_message('cli rejected', 'nobody@example.test')
out = run('send', path, '--no-undo')
check('a recipient the server refuses: exit 1 with the server’s reason',
      out.returncode == 1 and ('5.1.1' in out.stderr or '550' in out.stderr)
      and 'outbox' in out.stderr, out.stdout + out.stderr)

path, message_id = write_message('cli undo', USER2)
proc = subprocess.Popen([CLI, 'send', path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                        text=True, env=ENV)
time.sleep(1.5)
proc.send_signal(signal.SIGINT)
stdout, stderr = proc.communicate(timeout=30)
check('Ctrl+C within the undo window: exit 4, not sent',
      proc.returncode == 4 and 'Ctrl+C' in stderr, stdout + stderr)
time.sleep(5)
check('the undone message never arrived', delivered(USER2, message_id, wait=0) is None)

path, message_id = write_message('cli nothing', USER2)
os.unlink(path)
out = run('send', path, '--no-undo')
check('a missing file fails clearly', out.returncode == 1 and path in out.stderr, out.stderr)
path, message_id = write_message('cli nobody', USER2)
out = run('send', path, '--account', 'nobody@example.test')
check('an unknown account fails clearly', out.returncode == 1 and 'nobody@example.test' in out.stderr,
      out.stderr)

# Submission down: the account points at a port nobody listens on.
down = add_account('alice2@example.test', os.environ['TAUBE_RIG_PASSWORD'], closed_port())
path, message_id = write_message('cli down', USER2)
out = run('send', path, '--no-undo', '--account', down)
check('submission unreachable: exit 3, kept for a later attempt',
      out.returncode == 3 and 'outbox' in out.stderr, out.stdout + out.stderr)

out = run('outbox', '--json')
waiting = {m.get('subject'): m for m in json.loads(out.stdout or '[]')}
down_row = waiting.get('cli down', {})
rejected_row = waiting.get('cli rejected', {})
check('outbox lists the queued message with the connection error',
      out.returncode == 0 and down_row.get('state') == 'queued' and down_row.get('attempts') == 1
      and down_row.get('error') and down_row.get('account_id') == down, out.stdout + out.stderr)
check('outbox lists the refused message as failed, with the reason',
      rejected_row.get('state') == 'failed' and '5.1.1' in (rejected_row.get('error') or ''),
      out.stdout)
check('sent and undone messages are not in the outbox',
      set(waiting) == {'cli down', 'cli rejected'}, out.stdout)

# The server is back: `outbox --send` sends what waits, at once rather than after the backoff.
conf = os.path.join(os.environ['XDG_CONFIG_HOME'], 'taube', 'accounts', down + '.conf')
with open(conf, encoding='utf-8') as handle:
    text = handle.read()
section = text.index('[Outgoing]')
port_at = text.index('Port=', section)
end = text.index('\n', port_at)
with open(conf, 'w', encoding='utf-8') as handle:
    handle.write(text[:port_at] + 'Port=' + os.environ['TAUBE_RIG_SUBMISSION_PORT'] + text[end:])
out = run('outbox', '--send')
check('outbox --send sends the queued message and exits 0',
      out.returncode == 0 and 'sent' in out.stdout, out.stdout + out.stderr)
check('the queued message arrived', delivered(USER2, message_id) is not None)
out = run('outbox', '--json')
check('only the refused message is left in the outbox',
      [m.get('subject') for m in json.loads(out.stdout or '[]')] == ['cli rejected'], out.stdout)

print(f'1..{len(results)}')
for number, (name, ok, detail) in enumerate(results, 1):
    print(f'{"ok" if ok else "not ok"} {number} - {name}')
    if not ok and detail:
        print('# ' + detail.replace('\n', '\n# '))
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
