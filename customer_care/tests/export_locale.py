# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Export the translations of customer_care to locale/<lang>.po.

    python -m trytond.modules.customer_care.tests.export_locale [LANG...]

LANG defaults to ``es``. The module is activated on the test database, the
"Set Translations" and "Update Translations" wizards are run for the language,
the existing locale/<lang>.po is imported so its translations survive, and the
module's translations are exported back to the file. Entries whose source is
gone from the module are not exported again. Nothing is committed.
"""
import os
import sys
from pathlib import Path

from trytond.modules.customer_care.tests.tools import key_db_cache

key_db_cache()
if not os.environ.get('DB_NAME'):
    uri = os.environ.get('TRYTOND_DATABASE_URI', '')
    if not uri or uri.startswith('sqlite'):
        os.environ['DB_NAME'] = ':memory:'

from sql import Literal  # noqa: E402
from sql.operators import Exists  # noqa: E402
from sql.conditionals import Coalesce  # noqa: E402

from trytond.pool import Pool  # noqa: E402
from trytond.transaction import Transaction  # noqa: E402

MODULE = 'customer_care'
LOCALE = Path(__file__).resolve().parent.parent / 'locale'


def po_path(lang):
    "Return the path of the module's .po file for the language"
    return LOCALE / f'{lang}.po'


def make_translatable(lang, suggest=False):
    """Make the language translatable and return it

    With suggest, also load the translations of the activated modules, so
    the update wizard proposes, as fuzzy, the translation Tryton already
    has for a new string (e.g. "Cancel").
    """
    pool = Pool()
    Lang = pool.get('ir.lang')
    language, = Lang.search([('code', '=', lang)])
    if suggest:
        Lang.load_translations([language])
    elif not language.translatable:
        Lang.write([language], {'translatable': True})
    return language


def set_translations():
    "Run the 'Set Translations' wizard (report and view strings)"
    pool = Pool()
    TranslationSet = pool.get('ir.translation.set', type='wizard')
    session_id, _, _ = TranslationSet.create()
    wizard = TranslationSet(session_id)
    try:
        wizard.transition_set_()
    finally:
        TranslationSet.delete(session_id)


def update_translations(language):
    "Run the 'Update Translations' wizard for the language"
    pool = Pool()
    TranslationUpdate = pool.get('ir.translation.update', type='wizard')
    session_id, _, _ = TranslationUpdate.create()
    wizard = TranslationUpdate(session_id)
    try:
        wizard.start.language = language
        wizard.do_update({})
    finally:
        TranslationUpdate.delete(session_id)


def remove_stale_translations(lang, module=MODULE):
    """Delete the module's translations in lang whose source is gone.

    Importing a .po file recreates every entry it holds, even those of a
    field, a view or a report string the module no longer has. After the
    update wizard every current source has its translation, with the same
    name, record, type and source text, so any other is stale.
    """
    pool = Pool()
    Config = pool.get('ir.configuration')
    Translation = pool.get('ir.translation')
    translation = Translation.__table__()
    source = Translation.__table__()
    cursor = Transaction().connection.cursor()
    default_lang = Config.get_language()
    current = source.select(
        Literal(1),
        where=(source.lang == default_lang)
        & (source.module == translation.module)
        & (source.name == translation.name)
        & (source.type == translation.type)
        & (source.res_id == translation.res_id)
        & (Coalesce(source.src, '') == Coalesce(translation.src, ''))
        & (Coalesce(source.src_plural, '')
            == Coalesce(translation.src_plural, '')))
    cursor.execute(*translation.select(
            translation.id,
            where=(translation.lang == lang)
            & (translation.module == module)
            & ~Exists(current)))
    ids = [i for i, in cursor]
    if ids:
        Translation.delete(Translation.browse(ids))
    return len(ids)


def export(lang, path=None, module=MODULE, suggest=False):
    """Return the module's translations of lang exported as .po content.

    Must run inside a transaction on a database where the module is
    activated; the caller rolls it back. The .po file at path (by default
    the module's locale/<lang>.po) is imported first when it exists.
    With suggest, new entries get Tryton's existing translation of the same
    text as a fuzzy msgstr, to be reviewed.
    """
    pool = Pool()
    Translation = pool.get('ir.translation')
    if path is None:
        path = po_path(lang)
    language = make_translatable(lang, suggest=suggest)
    if os.path.exists(path):
        Translation.translation_import(lang, module, str(path))
    set_translations()
    update_translations(language)
    remove_stale_translations(lang, module)
    return Translation.translation_export(lang, module) or b''


def main(langs):
    from trytond.tests.test_tryton import DB_NAME, activate_module
    activate_module(MODULE)
    with Transaction().start(DB_NAME, 0) as transaction:
        try:
            for lang in langs:
                content = export(lang, suggest=True)
                path = po_path(lang)
                LOCALE.mkdir(exist_ok=True)
                path.write_bytes(content)
                print(f"{path}: {content.count(b'msgctxt ')} entries")
        finally:
            transaction.rollback()


if __name__ == '__main__':
    main(sys.argv[1:] or ['es'])
