#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Translations are complete: POTFILES lists every file with translatable strings, and each
language in po/LINGUAS translates every message of the current sources, with nothing fuzzy.
Speaks TAP."""
import os
import re
import subprocess
import sys
import tempfile

SOURCE = os.environ['TAUBE_SOURCE_DIR']
PO = os.path.join(SOURCE, 'po')
MARKERS = re.compile(r'\b(?:_|N_|C_|NC_|g_dngettext|ngettext)\s*\(|translatable="yes"')
SCAN_DIRS = ('src', 'data')
SCAN_SUFFIXES = ('.c', '.ui', '.in', '.gschema.xml')

results = []


def check(ok, name, detail=''):
    results.append((ok, name, detail))


def potfiles():
    with open(os.path.join(PO, 'POTFILES.in'), encoding='utf-8') as handle:
        return [l.strip() for l in handle if l.strip() and not l.startswith('#')]


def files_with_strings():
    found = []
    for top in SCAN_DIRS:
        for root, _dirs, names in os.walk(os.path.join(SOURCE, top)):
            for name in names:
                if not name.endswith(SCAN_SUFFIXES):
                    continue
                path = os.path.join(root, name)
                with open(path, encoding='utf-8', errors='replace') as handle:
                    if MARKERS.search(handle.read()):
                        found.append(os.path.relpath(path, SOURCE))
    return sorted(found)


def make_pot(listed, workdir):
    pot = os.path.join(workdir, 'taube.pot')
    subprocess.run(['xgettext', '--from-code=UTF-8', '--add-comments', '--keyword=_',
                    '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
                    '--keyword=g_dngettext:2,3', '--flag=N_:1:pass-c-format',
                    '--no-wrap',
                    '--directory', SOURCE, '--output', pot] + listed, check=True)
    return pot


def statistics(po_file, pot, workdir):
    merged = os.path.join(workdir, 'merged.po')
    subprocess.run(['msgmerge', '--quiet', '--no-fuzzy-matching', '--output-file', merged,
                    po_file, pot], check=True)
    out = subprocess.run(['msgfmt', '--check', '--statistics', '--output-file', os.devnull,
                          merged], capture_output=True, text=True)
    return out.returncode, out.stderr.strip()


def main():
    listed = potfiles()
    missing_files = [f for f in listed if not os.path.exists(os.path.join(SOURCE, f))]
    check(not missing_files, 'every file in POTFILES.in exists', ' '.join(missing_files))
    unlisted = [f for f in files_with_strings() if f not in listed]
    check(not unlisted, 'every file with translatable strings is in POTFILES.in',
          ' '.join(unlisted))

    with tempfile.TemporaryDirectory() as workdir:
        pot = make_pot([f for f in listed if f not in missing_files], workdir)
        with open(pot, encoding='utf-8') as handle:
            n_msgids = handle.read().count('\nmsgid "') - 1
        check(n_msgids > 20, f'the template has messages ({n_msgids})')
        with open(os.path.join(PO, 'LINGUAS'), encoding='utf-8') as handle:
            languages = handle.read().split()
        for lang in languages:
            code, stats = statistics(os.path.join(PO, f'{lang}.po'), pot, workdir)
            complete = code == 0 and 'fuzzy' not in stats and 'untranslated' not in stats
            check(complete, f'{lang}.po translates every message', stats)

    print(f'1..{len(results)}')
    for number, (ok, name, detail) in enumerate(results, 1):
        print(f'{"ok" if ok else "not ok"} {number} - {name}')
        if not ok and detail:
            print(f'# {detail}')
    return 0 if all(r[0] for r in results) else 1


if __name__ == '__main__':
    sys.exit(main())
