# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Check locale/*.po: complete, well-formed, and what Tryton exports.

When a test fails because of a new or changed string, run

    python -m trytond.modules.customer_care.tests.export_locale

then translate the entries with an empty msgstr or a fuzzy flag.
"""
import re
import unittest
from collections import Counter

import polib

from trytond.modules.customer_care.tests import export_locale
from trytond.tests.test_tryton import (
    TestCase, activate_module, drop_db, with_transaction)

LANGS = ['es']
# A printf-style conversion: %s, %(name)s, %-5.2f, %%
PLACEHOLDER = re.compile(
    r'%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?'
    r'[diouxXeEfFgGcrsa%]')
FIX = "run tests/export_locale.py and translate the entries"


def key(entry):
    return (entry.msgctxt, entry.msgid)


def label(entry):
    return f'{entry.msgctxt} {entry.msgid!r}'


def placeholders(text):
    return Counter(PLACEHOLDER.findall(text))


class LocaleFileTestCase(unittest.TestCase):
    "Test the .po files of the module"

    def test_po_complete(self):
        "Test every entry is translated and not fuzzy"
        for lang in LANGS:
            with self.subTest(lang=lang):
                po = polib.pofile(str(export_locale.po_path(lang)))
                self.assertTrue(len(po), "no entry")
                empty = [label(e) for e in po if not e.translated()
                    and not e.fuzzy and not e.obsolete]
                fuzzy = [label(e) for e in po if e.fuzzy]
                self.assertFalse(empty, f"empty msgstr ({FIX})")
                self.assertFalse(
                    fuzzy,
                    "fuzzy entries are not used by Tryton: review them "
                    "and remove the flag")

    def test_po_placeholders(self):
        "Test the python-format placeholders are kept in the translations"
        for lang in LANGS:
            with self.subTest(lang=lang):
                po = polib.pofile(str(export_locale.po_path(lang)))
                wrong = [label(e) for e in po
                    if 'python-format' in e.flags and e.msgstr
                    and placeholders(e.msgid) != placeholders(e.msgstr)]
                self.assertFalse(wrong, "placeholders differ from msgid")

    def test_po_newlines(self):
        "Test the translations start and end with a new line as their msgid"
        for lang in LANGS:
            with self.subTest(lang=lang):
                po = polib.pofile(str(export_locale.po_path(lang)))
                wrong = [label(e) for e in po if e.msgstr and (
                        e.msgid.startswith('\n')
                        != e.msgstr.startswith('\n')
                        or e.msgid.endswith('\n')
                        != e.msgstr.endswith('\n'))]
                self.assertFalse(wrong, "leading or trailing new line")


class LocaleExportTestCase(TestCase):
    "Test the .po files are what Tryton exports"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(export_locale.MODULE)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @with_transaction()
    def test_po_exported(self):
        "Test the .po files hold exactly the entries Tryton exports"
        for lang in LANGS:
            with self.subTest(lang=lang):
                po = polib.pofile(str(export_locale.po_path(lang)))
                exported = polib.pofile(
                    export_locale.export(lang).decode('utf-8'))
                in_file = {key(e) for e in po}
                current = {key(e) for e in exported}
                missing = [label(e) for e in exported if key(e) not in in_file]
                stale = [label(e) for e in po if key(e) not in current]
                self.assertFalse(
                    missing + stale,
                    f"{len(missing)} string(s) not in the file, "
                    f"{len(stale)} gone from the module ({FIX})")
