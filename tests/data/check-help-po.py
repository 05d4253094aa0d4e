#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check that a help translation is valid, complete and up to date with the pages.

usage: check-help-po.py LANG.po SOURCE...   (SOURCE: the C pages and included files)

Builds a fresh POT from the sources with itstool (as gnome.yelp does), then requires that
  - msgfmt --check accepts the .po file,
  - it has no fuzzy and no untranslated messages,
  - every message of the fresh POT has a translation in it (msgcmp), so an edited page whose
    .po was not updated fails here instead of showing English in the middle of the translation.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile


def tool(name):
    path = shutil.which(name)
    if path is None:
        sys.exit(f'check-help-po: {name} not found in PATH')
    return path


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    po, sources = argv[1], argv[2:]
    failed = False

    stats = subprocess.run([tool('msgfmt'), '--check', '--statistics', '-o', os.devnull, po],
                           capture_output=True, text=True)
    report = (stats.stdout + stats.stderr).strip()
    print(report)
    if stats.returncode != 0:
        failed = True
    if re.search(r'\b(fuzzy|untranslated)\b', report):
        print(f'{po}: has fuzzy or untranslated messages')
        failed = True

    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'help.pot')
        subprocess.run([tool('itstool'), '-o', pot] + sources, check=True)
        cmp = subprocess.run([tool('msgcmp'), po, pot], capture_output=True, text=True)
        if cmp.returncode != 0:
            print(cmp.stdout + cmp.stderr)
            print(f'{po}: out of date with the pages; run `meson compile help-taube-update-po` '
                  'and translate what it marks')
            failed = True

    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
