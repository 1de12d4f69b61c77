# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Refuse the external writes that change a read-only field.

Tryton evaluates the ``states`` of a field only in the client: the server
stores whatever a client sends.  A web client that sends back a value it
displayed by mistake (sao 8.0 does, see doc/design) or any script over RPC can
then change a field that the form shows read-only, e.g. the kind of an
assigned case.  The mixin checks each external write: for every written field
whose value would change, it evaluates the field's ``states['readonly']`` on
the record, as the client does, and refuses the whole write when the field is
read-only.  The workflow state (statically read-only) is refused too: it
changes only through the buttons, and a record is created in its initial
state.

Writing back the stored value is accepted (sao sends unchanged values), and so
is a change that the client allows in one editing session: a field made
editable by another field written in the same call.  The internal writes of
the workflow (buttons, wizards, crons) are not checked.
"""
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import EvalEnvironment
from trytond.pyson import PYSONDecoder, PYSONEncoder
from trytond.transaction import Transaction

from .exceptions import ReadonlyFieldError

_encoder = PYSONEncoder()
_X2MANY = {'one2many', 'many2many'}


class _WrittenEnvironment(EvalEnvironment):
    "The evaluation environment of a record with the values being written"
    __slots__ = ('_written',)

    def __init__(self, record, Model, written):
        super().__init__(record, Model)
        self._written = written

    def __getitem__(self, item):
        if item in self._written:
            return self._written[item]
        return super().__getitem__(item)


def _normalize(field, value):
    "Return value in a form comparable with the one read from the record"
    if field._type in {'char', 'text', 'selection', 'boolean'} and not value:
        # The clients send '', None or False for an empty value
        return None
    if field._type == 'multiselection':
        return sorted(value or [])
    if field._type == 'reference' and isinstance(value, (list, tuple)):
        return '%s,%s' % tuple(value) if value[0] and value[1] else None
    if field._type == 'numeric' and value is not None:
        return Decimal(str(value))
    if field._type == 'datetime' and isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    return value


class StateReadonlyMixin:
    "Refuse external writes changing the fields that are read-only"
    __slots__ = ()

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode == 'write' and external and values:
            cls.check_readonly_fields(records, values)
        elif mode == 'create' and external:
            cls.check_created_state(records)

    @classmethod
    def check_created_state(cls, records):
        "Raise ReadonlyFieldError if a record is created in a later state"
        name = getattr(cls, '_transition_state', None)
        default = getattr(cls, 'default_%s' % name, None) if name else None
        if not default:
            return
        initial = default()
        for record in records:
            state = getattr(record, name)
            if state != initial:
                # The labels of the states in the user's language
                selection = dict(
                    cls.fields_get([name])[name].get('selection') or [])
                raise ReadonlyFieldError(gettext(
                        'customer_care.msg_create_state',
                        model=cls.__names__()['model'],
                        default=selection.get(initial, initial),
                        state=selection.get(state, state)))

    @classmethod
    def _readonly_exempt_fields(cls):
        "Return the names of the fields that the check ignores"
        return {'create_uid', 'create_date', 'write_uid', 'write_date', 'id'}

    @classmethod
    def check_readonly_fields(cls, records, values):
        "Raise ReadonlyFieldError if values change a read-only field"
        context = Transaction().context
        exempt = cls._readonly_exempt_fields()
        checked = []
        for name in values:
            field = cls._fields.get(name)
            if field is None or name in exempt:
                continue
            # Of the statically read-only fields only the state is checked:
            # it changes through the workflow; the others are set by the
            # server and may be corrected by a script (the demo backdates
            # answer dates so)
            static = (name == getattr(cls, '_transition_state', None)
                and field.readonly is True)
            pyson = field.states.get('readonly')
            if static or pyson is not None:
                checked.append((name, field, static,
                        _encoder.encode(pyson) if pyson is not None
                        else None))
        if not checked:
            return
        written = {n: _normalize(cls._fields[n], v) for n, v in values.items()
            if n in cls._fields and cls._fields[n]._type not in _X2MANY}

        def is_readonly(env, record, static, pyson):
            if static:
                return True
            env['context'] = context
            env['active_model'] = cls.__name__
            env['active_id'] = record.id
            return bool(PYSONDecoder(env).decode(pyson))

        for record in records:
            current = EvalEnvironment(record, cls)
            for name, field, static, pyson in checked:
                if field._type in _X2MANY:
                    if not values[name]:
                        continue
                elif _normalize(field, current[name]) == written[name]:
                    continue
                if not is_readonly(current, record, static, pyson):
                    continue
                if not static and not is_readonly(
                        _WrittenEnvironment(record, cls, written), record,
                        static, pyson):
                    continue
                raise ReadonlyFieldError(gettext(
                        'customer_care.msg_readonly_field',
                        **cls.__names__(field=name, record=record)))
