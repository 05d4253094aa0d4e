#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""taube-cli folders, messages, show and search on a store filled through the engine. TAP.

Accounts are added with taube-cli (passwords into the rig's keyring); messages are built with
Python's email package plus one file of the shared corpus, and added to the store by
taube-test-populate, which uses the engine's normal add path."""
import json
import os
import subprocess
import sys
import tempfile
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime, timezone, timedelta

CLI, POPULATE = sys.argv[1], sys.argv[2]
CORPUS = os.path.join(os.environ['TAUBE_SOURCE_DIR'], '..', 'shared', 'corpus')
WORK = tempfile.mkdtemp()
ENV = dict(os.environ, LC_ALL='C.UTF-8', LANGUAGE='')
results = []


def run(*args, stdin=None, text=True):
    return subprocess.run([CLI, *args], input=stdin, capture_output=True, text=text, env=ENV)


def check(name, ok, detail=''):
    results.append((name, bool(ok), detail))


def add_account(email):
    out = run('account', 'add', '--email', email, '--name', email.split('@')[0].title(),
              '--protocol', 'imap', '--host', 'imap.example.test', '--smtp-host',
              'smtp.example.test', '--password-stdin', stdin='secret-' + os.urandom(4).hex() + '\n')
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def message(subject, sender, day, body, html=None, attachment=None):
    msg = EmailMessage()
    msg['From'] = sender
    msg['To'] = 'Alice <alice@example.test>'
    msg['Subject'] = subject
    msg['Date'] = format_datetime(datetime(2026, 5, day, 9, 30, tzinfo=timezone(timedelta(hours=2))))
    msg['Message-ID'] = '<%s@example.test>' % os.urandom(6).hex()
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype='html')
    if attachment is not None:
        msg.add_attachment(attachment, maintype='application', subtype='pdf',
                           filename='slides.pdf')
    path = os.path.join(WORK, '%d.eml' % len(os.listdir(WORK)))
    with open(path, 'wb') as handle:
        handle.write(bytes(msg))
    return path


def populate(account, folder, role, *files):
    out = subprocess.run([POPULATE, account, folder, role, *files], capture_output=True,
                         text=True, env=ENV)
    assert out.returncode == 0, out.stderr
    ids = [int(line) for line in out.stdout.split()]
    return ids[0], ids[1:]


def parse(out):
    try:
        return json.loads(out.stdout)
    except ValueError:
        return None


alice = add_account('alice@example.test')
bob = add_account('bob@example.test')

report = message('Quarterly report', 'Carol <carol@example.test>', 3, 'The numbers are in.\n')
party = message('Einladung zum Sommerfest', 'Jörg Müller <joerg@example.test>', 5,
                'Es gibt Grillwürstchen.\n',
                html='<html><head><style>p{}</style></head><body><p>Es gibt '
                     '<b>Grillwürstchen</b> &amp; Salat.</p></body></html>')
slides = message('Slides attached', 'Dave <dave@example.test>', 4, 'See the attachment.\n',
                 attachment=b'%PDF-1.4 not really a pdf\n')
german = os.path.join(CORPUS, 'mime4j', 'mimetools-testmsgs', 'german.msg')
inbox_a, (report_id, party_id, slides_id, german_id) = populate(alice, 'INBOX', 'inbox', report,
                                                                 party, slides, german)
archive_a, (old_id,) = populate(alice, 'Archive', 'archive',
                                message('Old news', 'Eve <eve@example.test>', 1, 'Archived.\n'))
inbox_b, (bob_id,) = populate(bob, 'INBOX', 'inbox',
                              message('Hello Bob', 'Alice <alice@example.test>', 6, 'Hi!\n'))

# folders
out = run('folders', '--json')
folders = parse(out) or []
by_id = {f.get('id'): f for f in folders}
check('folders --json lists every folder of every account',
      out.returncode == 0 and set(by_id) == {inbox_a, archive_a, inbox_b}, out.stdout + out.stderr)
check('folders --json gives account, role and counts',
      by_id.get(inbox_a, {}).get('account') == 'alice@example.test'
      and by_id.get(inbox_a, {}).get('role') == 'inbox'
      and by_id.get(inbox_a, {}).get('total') == 4 and by_id.get(inbox_a, {}).get('unread') == 4
      and by_id.get(archive_a, {}).get('role') == 'archive', out.stdout)
out = run('folders', '--account', bob)
check('folders --account shows one account’s folders as lines',
      out.returncode == 0 and out.stdout.count('\n') == 1 and 'bob@example.test' in out.stdout,
      out.stdout + out.stderr)

# messages
out = run('messages', 'INBOX')
check('messages with a name two accounts share fails and lists both',
      out.returncode == 1 and str(inbox_a) in out.stderr and str(inbox_b) in out.stderr
      and 'alice@example.test' in out.stderr and out.stdout == '', out.stderr)
out = run('messages', 'INBOX', '--account', 'alice@example.test', '--json')
listed = parse(out) or []
check('messages --account --json lists the folder newest first',
      out.returncode == 0 and [m.get('id') for m in listed][:3] == [party_id, slides_id, report_id]
      and len(listed) == 4, out.stdout + out.stderr)
first = listed[0] if listed else {}
check('a message has uid, date, sender, subject and flags',
      first.get('uid') == 2 and first.get('date', '').startswith('2026-05-05')
      and first.get('from') == 'joerg@example.test' and first.get('from_name') == 'Jörg Müller'
      and first.get('subject') == 'Einladung zum Sommerfest' and first.get('flags') == [],
      json.dumps(first))
check('the attachment flag is set only where there is one',
      [m.get('has_attachment') for m in listed][:3] == [False, True, False], out.stdout)
out = run('messages', str(inbox_b), '--limit', '1', '--json')
check('messages by folder id with --limit', out.returncode == 0 and
      [m.get('id') for m in parse(out) or []] == [bob_id], out.stdout + out.stderr)
out = run('messages', 'Archive')
check('messages by a unique name prints a line per message',
      out.returncode == 0 and out.stdout.count('\n') == 1 and 'Old news' in out.stdout,
      out.stdout + out.stderr)
out = run('messages', 'Nirgendwo')
check('an unknown folder fails clearly', out.returncode == 1 and 'Nirgendwo' in out.stderr,
      out.stderr)
out = run('messages', 'INBOX', '--account', 'nobody@example.test')
check('an unknown account fails clearly',
      out.returncode == 1 and 'nobody@example.test' in out.stderr, out.stderr)
out = run('messages')
check('messages without a folder is a usage error', out.returncode == 2, out.stderr)

# show
out = run('show', str(party_id), '--text')
check('show --text prints the headers decoded',
      out.returncode == 0 and 'Subject: Einladung zum Sommerfest' in out.stdout
      and 'Jörg Müller <joerg@example.test>' in out.stdout, out.stdout + out.stderr)
check('show --text prefers the plain part',
      'Es gibt Grillwürstchen.' in out.stdout and '<' not in out.stdout.split('\n\n', 1)[1],
      out.stdout)
html_only = message('Newsletter', 'News <news@example.test>', 2, 'x')
with open(html_only, 'rb') as handle:
    data = handle.read()
# The same message with only an HTML body, built with the email package.
msg = EmailMessage()
msg['From'] = 'News <news@example.test>'
msg['To'] = 'alice@example.test'
msg['Subject'] = 'Newsletter'
msg.set_content('<html><body><h1>Neuigkeiten</h1><script>evil()</script>'
                '<p>Caf&eacute; &amp; Kuchen</p></body></html>', subtype='html')
with open(html_only, 'wb') as handle:
    handle.write(bytes(msg))
_, (html_id,) = populate(alice, 'News', 'none', html_only)
out = run('show', str(html_id))
body = out.stdout.split('\n\n', 1)[-1]
check('show turns an HTML-only body into text',
      out.returncode == 0 and 'Neuigkeiten' in body and 'Café & Kuchen' in body
      and '<' not in body and 'evil' not in body, out.stdout + out.stderr)
out = run('show', str(slides_id), '--text')
check('show --text names attachments',
      out.returncode == 0 and '[Attachment: slides.pdf (application/pdf)]' in out.stdout,
      out.stdout + out.stderr)
out = run('show', str(german_id), '--raw', text=False)
with open(german, 'rb') as handle:
    original = handle.read()
check('show --raw prints the stored bytes unchanged', out.returncode == 0 and
      out.stdout == original, '%d bytes vs %d' % (len(out.stdout), len(original)))
out = run('show', '99999')
check('an unknown message id fails clearly', out.returncode == 1 and '99999' in out.stderr,
      out.stderr)
out = run('show', 'abc')
check('a message id that is no number fails clearly', out.returncode == 1 and 'abc' in out.stderr,
      out.stderr)
out = run('show', str(party_id), '--raw', '--text')
check('--raw with --text is a usage error', out.returncode == 2, out.stderr)

# search
out = run('search', 'Sommerfest', '--json')
found = parse(out) or []
check('search --json finds by subject',
      out.returncode == 0 and [m.get('id') for m in found] == [party_id]
      and found[0].get('folder') == 'INBOX', out.stdout + out.stderr)
out = run('search', 'grillwurstchen')
check('search finds body text without the umlaut',
      out.returncode == 0 and out.stdout.startswith(str(party_id) + '\t'), out.stdout + out.stderr)
out = run('search', 'carol@example.test', '--json')
check('search finds by address', [m.get('id') for m in parse(out) or []] == [report_id],
      out.stdout + out.stderr)
out = run('search', 'zzzunfindable', '--json')
check('a search without hits prints an empty list', out.returncode == 0 and parse(out) == [],
      out.stdout + out.stderr)

# The CLI reads while another process writes the same profile (as when Taube runs).
many = [message('Bulk %d' % i, 'Bulk <bulk@example.test>', 7, 'bulk text %d\n' % i)
        for i in range(150)]
writer = subprocess.Popen([POPULATE, alice, 'Bulk', 'none', *many], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, env=ENV)
reads, failures = 0, []
while writer.poll() is None or reads < 5:
    out = run('folders', '--json')
    reads += 1
    if out.returncode != 0 or parse(out) is None:
        failures.append(out.stderr)
_, writer_err = writer.communicate()
out = run('messages', 'Bulk', '--limit', '1000', '--json')
check('reading while another process writes: no errors, nothing lost',
      writer.returncode == 0 and not failures and len(parse(out) or []) == 150,
      '%d reads, failures: %s %s' % (reads, failures[:2], writer_err))

# Two processes writing at once (a sync in Taube and one in taube-cli): both get through.
writers = [subprocess.Popen([POPULATE, account, 'Parallel', 'none', *many[:100]],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
           for account in (alice, bob)]
outcomes = [w.communicate() + (w.returncode,) for w in writers]
out = run('folders', '--json')
parallel = [f.get('total') for f in parse(out) or [] if f.get('name') == 'Parallel']
check('two writing processes at once: both complete, nothing lost',
      all(code == 0 for _, _, code in outcomes) and parallel == [100, 100],
      '%s %s' % (parallel, [err for _, err, _ in outcomes]))

print(f'1..{len(results)}')
for number, (name, ok, detail) in enumerate(results, 1):
    print(f'{"ok" if ok else "not ok"} {number} - {name}')
    if not ok and detail:
        print('# ' + detail.replace('\n', '\n# '))
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
