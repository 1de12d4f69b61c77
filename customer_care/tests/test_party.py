# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The parties' Replace and Erase wizards know every stored reference of
the module to a party.

Tryton's PartyCheckReplaceMixin (in test_module.py) checks that each field
declared to the Replace wizard is a reference to a party; this test checks
the converse: a stored reference added to the module without being declared
fails here."""
from trytond.model import ModelSQL, fields
from trytond.modules.customer_care.tests.tools import key_db_cache
from trytond.pool import Pool

key_db_cache()  # before test_tryton reads DB_CACHE, also under unittest

from trytond.modules.customer_care.tests import tools  # noqa: E402
from trytond.tests.test_tryton import with_transaction  # noqa: E402


class PartyReferenceTestCase(tools.ModuleDatabaseTestCase):
    "Test the party references of the module"

    @with_transaction()
    def test_every_party_reference_is_replaced(self):
        "Test every stored reference to a party is declared to Replace"
        pool = Pool()
        ModelField = pool.get('ir.model.field')
        Replace = pool.get('party.replace', type='wizard')
        declared = set(Replace.fields_to_replace())
        references = set()
        for model_field in ModelField.search([
                    ('module', '=', 'customer_care'),
                    ('ttype', 'in', ['many2one', 'reference']),
                    ]):
            Model = pool.get(model_field.model)
            if not issubclass(Model, ModelSQL) or Model._is_table_query():
                continue
            field = Model._fields[model_field.name]
            if isinstance(field, fields.Function):
                continue
            if field._type == 'many2one':
                if field.model_name != 'party.party':
                    continue
            elif field._type == 'reference':
                selection = field.selection
                if not isinstance(selection, (list, tuple)):
                    selection = getattr(Model, selection)()
                if 'party.party' not in dict(selection):
                    continue
            references.add((model_field.model, model_field.name))
        self.assertTrue(references)
        self.assertEqual(references - declared, set())
