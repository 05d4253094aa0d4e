#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check that a merged .desktop or AppStream metainfo file carries a translation.

usage: check-l10n.py desktop|metainfo FILE LANG

desktop:  every Name, GenericName, Comment and Keywords key, in every group, has a KEY[LANG] twin.
metainfo: name, summary and every paragraph and list item of the descriptions have an
          xml:lang=LANG twin (only for what is marked translatable).

Exits 1 and lists what is missing. Meant for merged files: if po/LANG.po lacks a string, msgfmt
leaves it out, and this says which.
"""

import configparser
import sys
import xml.etree.ElementTree as ET

DESKTOP_KEYS = ('Name', 'GenericName', 'Comment', 'Keywords')
XML_LANG = '{http://www.w3.org/XML/1998/namespace}lang'


def check_desktop(path, lang):
    parser = configparser.RawConfigParser(strict=False, delimiters=('=',), comment_prefixes=('#',))
    parser.optionxform = str
    with open(path, encoding='utf-8') as f:
        parser.read_file(f)
    missing = []
    for group in parser.sections():
        for key in DESKTOP_KEYS:
            if key in parser[group]:
                value = parser[group].get(f'{key}[{lang}]', '').strip()
                if not value:
                    missing.append(f'[{group}] {key}[{lang}]')
    return missing


def untranslated_twins(elements, lang, where):
    """For a run of sibling elements of one tag, compare the source ones to the LANG ones."""
    source = [e for e in elements if XML_LANG not in e.attrib and e.get('translate') != 'no']
    translated = [e for e in elements if e.get(XML_LANG) == lang]
    if len(translated) < len(source):
        return [f'{where}: {len(source) - len(translated)} of {len(source)} without xml:lang="{lang}"']
    return []


def check_metainfo(path, lang):
    root = ET.parse(path).getroot()
    missing = []
    for tag in ('name', 'summary'):
        missing += untranslated_twins(root.findall(tag), lang, tag)
    descriptions = [('description', root.find('description'))]
    for release in root.iterfind('releases/release'):
        descriptions.append((f'release {release.get("version")}', release.find('description')))
    for where, description in descriptions:
        if description is None or description.get('translate') == 'no':
            continue
        for tag in ('p', 'ul/li', 'ol/li'):
            missing += untranslated_twins(description.findall(tag), lang, f'{where} {tag}')
    return missing


def main(argv):
    if len(argv) != 4 or argv[1] not in ('desktop', 'metainfo'):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    kind, path, lang = argv[1:]
    missing = (check_desktop if kind == 'desktop' else check_metainfo)(path, lang)
    for item in missing:
        print(f'{path}: missing translation: {item}')
    if not missing:
        print(f'{path}: all translatable strings have a "{lang}" translation')
    return 1 if missing else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
