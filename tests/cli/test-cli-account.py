#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""taube-cli account add/list/remove against the rig's real keyring. TAP."""
import json
import os
import subprocess
import sys

CLI = sys.argv[1]
CONFIG = os.path.join(os.environ['XDG_CONFIG_HOME'], 'taube', 'accounts')
PASSWORD = 'Geheim-' + os.urandom(6).hex()
results = []


def run(*args, stdin=None):
    return subprocess.run([CLI, *args], input=stdin, capture_output=True, text=True)


def check(name, ok, detail=''):
    results.append((name, ok, detail))


def keyring_lookup(account_id, protocol):
    out = subprocess.run(['secret-tool', 'lookup', 'account', account_id, 'protocol', protocol],
                         capture_output=True, text=True)
    return out.stdout


def files_containing(root, needle):
    hits = []
    for top, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(top, name)
            try:
                with open(path, 'rb') as handle:
                    if needle.encode() in handle.read():
                        hits.append(path)
            except OSError:
                pass
    return hits


add = ['account', 'add', '--email', 'alice@example.test', '--name', 'Alice Müller',
       '--protocol', 'imap', '--host', 'imap.example.test', '--smtp-host', 'smtp.example.test',
       '--smtp-security', 'starttls', '--password-stdin']

out = run(*add[:-1], stdin=PASSWORD + '\n')
check('add refuses without --password-stdin', out.returncode == 2, out.stderr)

out = run(*add[:8], '--security', 'ssl', *add[8:], stdin=PASSWORD + '\n')
check('add refuses an unknown security', out.returncode == 2 and 'ssl' in out.stderr, out.stderr)

out = run(*add, stdin=PASSWORD + '\n')
account_id = out.stdout.strip()
check('add stores the account and prints its id', out.returncode == 0 and len(account_id) == 36,
      out.stdout + out.stderr)

out = run('account', 'list', '--json')
try:
    listed = json.loads(out.stdout)
except ValueError:
    listed = []
first = listed[0] if listed else {}
check('list --json shows it with standard ports filled in',
      out.returncode == 0 and len(listed) == 1 and first.get('id') == account_id
      and first.get('port') == 993 and first.get('security') == 'tls'
      and first.get('smtp_port') == 587 and first.get('name') == 'Alice Müller', out.stdout)

check('the incoming password is in the keyring', keyring_lookup(account_id, 'imap') == PASSWORD)
check('the SMTP password is in the keyring', keyring_lookup(account_id, 'smtp') == PASSWORD)
leaks = files_containing(os.environ['TAUBE_RIG_DIR'], PASSWORD)
check('the password is in no file', not leaks, ' '.join(leaks))
check('the account file is private',
      os.stat(os.path.join(CONFIG, account_id + '.conf')).st_mode & 0o777 == 0o600)

out = run('account', 'list')
check('list shows one line per account',
      out.returncode == 0 and out.stdout.count('\n') == 1 and 'alice@example.test' in out.stdout,
      out.stdout)

out = run('account', 'remove', account_id)
check('remove succeeds', out.returncode == 0, out.stderr)
check('remove deletes the passwords', keyring_lookup(account_id, 'imap') == '' and
      keyring_lookup(account_id, 'smtp') == '')
out = run('account', 'list', '--json')
check('the list is empty afterwards', out.returncode == 0 and json.loads(out.stdout) == [],
      out.stdout)
out = run('account', 'remove', account_id)
check('removing it again fails clearly', out.returncode == 1 and account_id in out.stderr,
      out.stderr)

print(f'1..{len(results)}')
for number, (name, ok, detail) in enumerate(results, 1):
    print(f'{"ok" if ok else "not ok"} {number} - {name}')
    if not ok and detail:
        print('# ' + detail.replace('\n', '\n# '))
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
