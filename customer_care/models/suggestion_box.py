# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Suggestion boxes: where customers leave paper forms, one per site.

A box belongs to a site of the company (an address of the company's party)
and has a person in charge, who is reminded each business day the box has
no collection round (suggestion_box_round.py) yet.
"""
from collections import defaultdict

from sql import Null

from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .calendar import get_calendar
from .ir import context_company
from .notify import notify_users


class SuggestionBox(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'customer_care.suggestion_box'
    __string__ = "Suggestion Box"

    name = fields.Char("Name", required=True)
    company = fields.Many2One('company.company', "Company", required=True)
    company_party = fields.Function(
        fields.Many2One(
            'party.party', "Company Party",
            context={
                'company': Eval('company', -1),
                },
            depends={'company'}),
        'on_change_with_company_party')
    site = fields.Many2One(
        'party.address', "Site", required=True, ondelete='RESTRICT',
        domain=[
            ('party', '=', Eval('company_party', -1)),
            ],
        help="The address of the company where the box stands.")
    responsible = fields.Many2One(
        'res.user', "Person in Charge", required=True,
        help="The user reminded when the box has no collection round on a "
        "business day.")
    rounds = fields.One2Many(
        'customer_care.suggestion_box.round', 'box', "Collection Rounds",
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @fields.depends('company', '_parent_company.party')
    def on_change_with_company_party(self, name=None):
        return self.company.party if self.company else None

    def get_rec_name(self, name):
        return f'{self.name} ({self.site.rec_name})' if self.site else (
            self.name)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('site.rec_name', operator, operand, *extra),
            ]

    @classmethod
    def boxes_without_round(cls, date):
        """Return the rows (box id, responsible id) of the active boxes of
        the context company without a collection round on date, in one
        query"""
        pool = Pool()
        Round = pool.get('customer_care.suggestion_box.round')
        box = cls.__table__()
        round_ = Round.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*box.join(round_, 'LEFT',
                condition=(round_.box == box.id) & (round_.date == date)
                ).select(box.id, box.responsible,
                where=(box.active == True)  # noqa: E712
                & (box.company == Transaction().context.get('company', -1))
                & (round_.id == Null),
                order_by=[box.id]))
        return cursor.fetchall()

    @classmethod
    def send_round_reminders(cls, date=None):
        """Remind the person in charge of each box of the context company
        without a collection round on date (today by default)

        Nothing is sent on a day that is not a business day of the
        company's calendar. The scheduled action runs it once for each of
        its companies; return the boxes reminded."""
        pool = Pool()
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        User = pool.get('res.user')
        company_id = context_company()
        if company_id is None:
            return []
        if date is None:
            # ir.date of the company module: today in the company's zone
            date = Date.today()
        if not get_calendar(Company(company_id)).is_business_day(date):
            return []
        by_user = defaultdict(list)
        for box_id, user_id in cls.boxes_without_round(date):
            by_user[user_id].append(box_id)
        reminded = []
        for user_id, box_ids in by_user.items():
            boxes = cls.browse(box_ids)
            notify_users(
                [User(user_id)], boxes,
                'customer_care.msg_suggestion_box_reminder_subject',
                'customer_care.msg_suggestion_box_reminder_body',
                count=len(boxes), date=date,
                lines='\n'.join(f'- {b.rec_name}' for b in boxes))
            reminded.extend(boxes)
        return reminded
