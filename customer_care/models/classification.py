# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields


class ClassificationMixin(DeactivableMixin, ModelSQL, ModelView):
    "A list of values, kept by administrators, that classify cases"
    __slots__ = ()

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    def get_rec_name(self, name):
        if self.code:
            return f'[{self.code}] {self.name}'
        return self.name

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('code', operator, operand, *extra),
            ]


class QualityAttribute(ClassificationMixin):
    __name__ = 'customer_care.quality_attribute'
    __string__ = "Quality Attribute"


class RegulatorClassification(ClassificationMixin):
    __name__ = 'customer_care.regulator_classification'
    __string__ = "Regulator Classification"
