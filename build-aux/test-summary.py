#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Counts test cases in Meson's testlog.json and prints the closing 'N passed, N failed' line.

GTest programs speak TAP, so one Meson test holds many cases: each 'ok' / 'not ok' line
counts. A test program that crashed or timed out counts as one more failure even if every
case it printed passed, so a crash is never hidden behind a green count.
"""
import json
import os
import re
import sys

TAP_LINE = re.compile(r'^(ok|not ok)\b(.*)$')
BAD_RESULTS = {'FAIL', 'TIMEOUT', 'ERROR', 'UNEXPECTEDPASS'}


def count_test(entry):
    passed = failed = skipped = 0
    for line in (entry.get('stdout') or '').splitlines():
        match = TAP_LINE.match(line)
        if not match:
            continue
        directive = match.group(2)
        if re.search(r'#\s*SKIP', directive, re.IGNORECASE):
            skipped += 1
        elif match.group(1) == 'ok':
            passed += 1
        else:
            failed += 1
    result = entry.get('result', 'ERROR')
    if passed + failed + skipped == 0:
        if result == 'SKIP':
            skipped = 1
        elif result in BAD_RESULTS:
            failed = 1
        else:
            passed = 1
    elif result in BAD_RESULTS and failed == 0:
        failed = 1
    return passed, failed, skipped


def main():
    log = sys.argv[1]
    totals = {}
    failures = []
    with open(log, encoding='utf-8') as handle:
        for line in handle:
            entry = json.loads(line)
            # Meson names a test "project:suite / name".
            suite = entry['name'].split(' / ')[0].split(':')[-1]
            counts = count_test(entry)
            old = totals.get(suite, (0, 0, 0))
            totals[suite] = tuple(a + b for a, b in zip(old, counts))
            if counts[1]:
                failures.append(f"{entry['name']} ({entry.get('result')})")
    for suite, (p, f, s) in sorted(totals.items()):
        print(f'  {suite:12} {p} passed, {f} failed, {s} skipped')
    for name in failures:
        print(f'  FAILED: {name}')
    passed = sum(t[0] for t in totals.values())
    failed = sum(t[1] for t in totals.values())
    skipped = sum(t[2] for t in totals.values())
    # Nothing may skip in CI: a skipped suite is an untested one.
    if skipped and os.environ.get('CI'):
        failed += skipped
    line = f'{passed} passed, {failed} failed'
    if skipped:
        line += f', {skipped} skipped'
    print(line)
    return 1 if failed or passed == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
