# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The Colombian identity documents of persons, which Tryton's party
identifiers lack (it has the NIT): the web form asks for one of them.

They are added to the identifier types of the party configuration, from
which party.identifier takes its types (and their translated labels)."""
from trytond.pool import PoolMeta

IDENTITY_DOCUMENTS = [
    ('co_cc', "Colombian Citizenship Card (CC)"),
    ('co_ce', "Colombian Foreigner ID Card (CE)"),
    ('co_ti', "Colombian Identity Card for Minors (TI)"),
    ('co_ppt', "Colombian Temporary Protection Permit (PPT)"),
    ('passport', "Passport"),
    ]


class Configuration(metaclass=PoolMeta):
    __name__ = 'party.configuration'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        known = {t for t, _ in cls.identifier_types.selection}
        cls.identifier_types.selection = (
            list(cls.identifier_types.selection)
            + [t for t in IDENTITY_DOCUMENTS if t[0] not in known])
