#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""taube-cli runs without a display and answers with the right output and exit codes. TAP."""
import os
import subprocess
import sys

CLI = sys.argv[1]
results = []


def run(*args, **env):
    full_env = dict(os.environ, **env)
    full_env.pop('DISPLAY', None)
    return subprocess.run([CLI, *args], capture_output=True, text=True, env=full_env)


def check(name, ok, detail=''):
    results.append((name, ok, detail))


out = run('--version')
check('--version prints the version', out.returncode == 0 and out.stdout.startswith('taube-cli 0.'),
      out.stdout + out.stderr)

out = run('--help')
check('--help lists the commands', out.returncode == 0 and 'folder-name' in out.stdout, out.stdout)

out = run()
check('no command is a usage error', out.returncode == 2 and 'Usage' in out.stderr, out.stderr)

out = run('frobnicate')
check('an unknown command is named in the error', out.returncode == 2 and 'frobnicate' in out.stderr,
      out.stderr)

out = run('folder-name', 'encode', 'Entwürfe')
check('folder-name encode', out.returncode == 0 and out.stdout == 'Entw&APw-rfe\n', out.stdout)

out = run('folder-name', 'decode', '&U,BTFw-')
check('folder-name decode', out.returncode == 0 and out.stdout == '台北\n', out.stdout)

out = run('folder-name', 'decode', '&AOQ')
check('a broken name fails with a reason', out.returncode == 1 and 'not closed' in out.stderr,
      out.stderr)

out = run('frobnicate', LANGUAGE='de', LC_ALL='C.UTF-8')
check('errors are in German for a German speaker',
      out.returncode == 2 and 'Unbekannter Befehl' in out.stderr, out.stderr)

print(f'1..{len(results)}')
for number, (name, ok, detail) in enumerate(results, 1):
    print(f'{"ok" if ok else "not ok"} {number} - {name}')
    if not ok:
        print('# ' + detail.replace('\n', '\n# '))
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
