# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pyson import Eval

from .case import KINDS, PETITION_KINDS, TERM_UNITS
from .exceptions import TermValidationError


class Term(ModelSQL, ModelView):
    __name__ = 'customer_care.term'
    __string__ = "Term"

    kind = fields.Selection(
        [(None, "")] + KINDS, "Case Kind", sort=False,
        states={
            'required': ~Eval('emergency'),
            'invisible': Eval('emergency', False),
            },
        help="The kind of case the term applies to.")
    kind_string = kind.translated('kind')
    petition_kind = fields.Selection(
        PETITION_KINDS, "Petition Kind", sort=False,
        states={
            'invisible': Eval('kind') != 'petition',
            })
    petition_kind_string = petition_kind.translated('petition_kind')
    emergency = fields.Boolean(
        "All Emergencies",
        help="Applies to every case of emergency priority, whatever its kind.")
    duration = fields.Integer(
        "Term", required=True,
        domain=[('duration', '>', 0)],
        help="How long the company has to answer, in the term unit.")
    unit = fields.Selection(
        TERM_UNITS, "Term Unit", required=True, sort=False)
    legal_basis = fields.Char(
        "Legal Basis", translate=True,
        help="The law or policy that sets the term.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('kind_petition_emergency_unique',
                Unique(t, t.kind, t.petition_kind, t.emergency),
                'customer_care.msg_term_unique'),
            ]
        cls._order = [
            ('emergency', 'DESC'),
            ('kind', 'ASC'),
            ('petition_kind', 'ASC'),
            ('id', 'ASC'),
            ]

    @classmethod
    def default_unit(cls):
        return 'day'

    @classmethod
    def default_emergency(cls):
        return False

    @fields.depends('kind', 'emergency')
    def on_change_emergency(self):
        if self.emergency:
            self.kind = None
            self.petition_kind = None
            self.unit = 'hour'

    def get_rec_name(self, name):
        if self.emergency:
            return self.fields_get(['emergency'])['emergency']['string']
        kind = self.kind_string
        if self.petition_kind:
            kind = f'{kind} ({self.petition_kind_string})'
        return kind

    @classmethod
    def validate_fields(cls, terms, field_names):
        super().validate_fields(terms, field_names)
        if field_names & {'kind', 'petition_kind'}:
            cls.check_petition_kind(terms)
        if field_names & {'emergency', 'kind', 'petition_kind'}:
            cls.check_unique(terms)

    @classmethod
    def check_petition_kind(cls, terms):
        "Check that only the terms of petitions have a petition kind"
        for term in terms:
            if term.petition_kind and term.kind != 'petition':
                raise TermValidationError(gettext(
                        'customer_care.msg_term_petition_kind',
                        term=term.rec_name))

    @classmethod
    def check_unique(cls, terms):
        "Check that no other term applies to the same cases"
        # The SQL constraint does not see duplicates with empty values
        def key(term):
            "The stored values of another term that would be a duplicate"
            if term.emergency:
                return (True, None, None)
            return (False, term.kind, term.petition_kind)
        keys = {key(t) for t in terms}
        if not keys:
            return
        ids = {}
        for other in cls.search(['OR'] + [[
                        ('emergency', '=', emergency),
                        ('kind', '=', kind),
                        ('petition_kind', '=', petition_kind),
                        ] for emergency, kind, petition_kind in keys]):
            ids.setdefault(
                (bool(other.emergency), other.kind, other.petition_kind),
                set()).add(other.id)
        for term in terms:
            if ids.get(key(term), set()) - {term.id}:
                raise TermValidationError(gettext(
                        'customer_care.msg_term_unique'))

    @classmethod
    def get_term(cls, kind, petition_kind=None, priority=None):
        "Return the term for a case of kind, petition kind and priority"
        if priority == 'emergency':
            terms = cls.search([('emergency', '=', True)], limit=1)
            if terms:
                return terms[0]
        terms = cls.search([
                ('emergency', '=', False),
                ('kind', '=', kind),
                ('petition_kind', 'in', [petition_kind, None]),
                ])
        # The term of the petition kind comes before the one of the kind
        terms.sort(key=lambda t: t.petition_kind is None)
        if terms:
            return terms[0]
