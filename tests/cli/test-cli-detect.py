#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""taube-cli detect and account add --detect, against the rig's Dovecot and keyring. TAP.

TAUBE_PROVIDERS_EXTRA_DIR makes example.test a provider whose servers are the rig's
Dovecot; TAUBE_EXTRA_CA_FILE makes the rig's CA trusted (src/engine/README.md).
The wrong-password case runs last: Dovecot slows logins after a failed one."""
import json
import os
import subprocess
import sys
import tempfile
import time

CLI = sys.argv[1]
ENV = os.environ
HOST = ENV['TAUBE_RIG_HOST']
USER, PASSWORD = ENV['TAUBE_RIG_USER'], ENV['TAUBE_RIG_PASSWORD']
PORTS = {name: int(ENV['TAUBE_RIG_%s_PORT' % name.upper()])
         for name in ('imaps', 'imap', 'pop3s', 'submissions', 'submission')}
results = []


def provider_xml():
    def server(kind, tag, port, socket_type):
        return ('<%s type="%s"><hostname>%s</hostname><port>%d</port>'
                '<socketType>%s</socketType><username>%%EMAILADDRESS%%</username>'
                '<authentication>password-cleartext</authentication></%s>'
                % (tag, kind, HOST, port, socket_type, tag))
    return ('<?xml version="1.0"?>\n<clientConfig version="1.1">'
            '<emailProvider id="example.test"><domain>example.test</domain>'
            '<displayName>Rig Mail</displayName>'
            + server('imap', 'incomingServer', PORTS['imap'], 'STARTTLS')
            + server('imap', 'incomingServer', PORTS['imaps'], 'SSL')
            + server('pop3', 'incomingServer', PORTS['pop3s'], 'SSL')
            + server('smtp', 'outgoingServer', PORTS['submission'], 'STARTTLS')
            + server('smtp', 'outgoingServer', PORTS['submissions'], 'SSL')
            + '</emailProvider></clientConfig>\n')


PROVIDERS = tempfile.mkdtemp(prefix='providers-')
with open(os.path.join(PROVIDERS, 'example.test.xml'), 'w') as f:
    f.write(provider_xml())


def run(*args, stdin=None, trust_ca=True, **extra):
    env = dict(ENV, TAUBE_PROVIDERS_EXTRA_DIR=PROVIDERS, **extra)
    if trust_ca:
        env['TAUBE_EXTRA_CA_FILE'] = ENV['TAUBE_RIG_CA']
    return subprocess.run([CLI, *args], input=stdin, capture_output=True, text=True, env=env)


def check(name, ok, detail=''):
    results.append((name, ok, detail))


def accounts():
    out = run('account', 'list', '--json')
    try:
        return json.loads(out.stdout)
    except ValueError:
        return None


# -- detect -------------------------------------------------------------------------------

out = run('detect', '--json', USER)
try:
    found = json.loads(out.stdout)
except ValueError:
    found = {}
incoming = found.get('incoming', [])
outgoing = found.get('outgoing', [])
check('detect --json finds the extra provider', out.returncode == 0
      and found.get('source') == 'database' and found.get('needs_confirmation') is False
      and found.get('provider') == 'Rig Mail', out.stdout + out.stderr)
check('detect --json ranks implicit TLS first and recommends it',
      [(s['protocol'], s['port'], s['security'], s['recommended']) for s in incoming]
      == [('imap', PORTS['imaps'], 'tls', True), ('imap', PORTS['imap'], 'starttls', False),
          ('pop3', PORTS['pop3s'], 'tls', False)]
      and [(s['port'], s['recommended']) for s in outgoing]
      == [(PORTS['submissions'], True), (PORTS['submission'], False)]
      and all(s['username'] == USER and s['host'] == HOST for s in incoming + outgoing),
      out.stdout)
check('detect --json keeps progress off stdout', 'Taube' not in out.stdout, out.stdout)

out = run('detect', USER, LANGUAGE='en', LC_ALL='C.UTF-8')
check('detect prints the settings, their source and the recommendation',
      out.returncode == 0 and 'Found in: Taube’s list of providers' in out.stdout
      and '%s:%d tls' % (HOST, PORTS['imaps']) in out.stdout and '(recommended)' in out.stdout
      and 'Check these settings' not in out.stdout, out.stdout + out.stderr)

out = run('detect', USER, LANGUAGE='de', LC_ALL='C.UTF-8')
check('detect speaks German', out.returncode == 0 and 'Quelle: Taubes Anbieterliste'
      in out.stdout and 'example.test wird in Taubes Anbieterliste gesucht' in out.stderr,
      out.stdout + out.stderr)

# RFC 6761 §6.4: .invalid never resolves, whatever DNS the machine has (or lacks).
started = time.monotonic()
out = run('detect', '--timeout', '2', 'nobody@nothing.invalid', LANGUAGE='en', LC_ALL='C.UTF-8')
elapsed = time.monotonic() - started
check('detect reports nothing found within its time limit', out.returncode == 1
      and 'No server settings were found for nothing.invalid' in out.stderr and elapsed < 8,
      '%.1f s: %s' % (elapsed, out.stderr))

out = run('detect', 'not-an-address')
check('detect refuses something that is no address', out.returncode == 2
      and 'not-an-address' in out.stderr, out.stderr)
out = run('detect')
check('detect without an address shows its usage', out.returncode == 2
      and 'taube-cli detect' in out.stderr, out.stderr)

# -- account add --detect -------------------------------------------------------------------

ADD = ['account', 'add', '--detect', '--email', USER, '--name', 'Alice', '--password-stdin']

out = run(*ADD, '--host', 'imap.example.test', stdin=PASSWORD + '\n')
check('add --detect refuses servers given by hand', out.returncode == 2, out.stderr)

out = run(*ADD, stdin=PASSWORD + '\n')
imap_id = out.stdout.strip()
listed = {a['id']: a for a in accounts() or []}
added = listed.get(imap_id, {})
check('add --detect logs in and saves the recommended servers', out.returncode == 0
      and added.get('protocol') == 'imap' and added.get('host') == HOST
      and added.get('port') == PORTS['imaps'] and added.get('security') == 'tls'
      and added.get('smtp_port') == PORTS['submissions']
      and 'Rig Mail' in out.stderr, out.stdout + out.stderr)

out = run(*ADD, '--protocol', 'pop3', stdin=PASSWORD + '\n')
pop3_id = out.stdout.strip()
added = {a['id']: a for a in accounts() or []}.get(pop3_id, {})
check('add --detect --protocol pop3 takes the POP3 server', out.returncode == 0
      and added.get('protocol') == 'pop3' and added.get('port') == PORTS['pop3s'],
      out.stdout + out.stderr)

before = len(accounts() or [])
out = run(*ADD, stdin=PASSWORD + '\n', trust_ca=False)
check('add --detect refuses an untrusted certificate and shows its fingerprint',
      out.returncode == 1 and 'SHA-256' in out.stderr and len(accounts() or []) == before,
      out.stderr)

out = run(*ADD, '--no-verify', stdin='not-the-password\n')
check('add --detect --no-verify saves without logging in', out.returncode == 0
      and len(accounts() or []) == before + 1, out.stderr)

out = run(*ADD, stdin='not-the-password\n', LANGUAGE='en', LC_ALL='C.UTF-8')
check('add --detect with a wrong password says so and saves nothing', out.returncode == 1
      and 'app password' in out.stderr and len(accounts() or []) == before + 1, out.stderr)

print(f'1..{len(results)}')
for number, (name, ok, detail) in enumerate(results, 1):
    print(f'{"ok" if ok else "not ok"} {number} - {name}')
    if not ok and detail:
        print('# ' + detail.replace('\n', '\n# '))
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
