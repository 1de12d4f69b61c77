# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import PYSONEncoder
from trytond.transaction import Transaction


def open_records(xml_id, records):
    """Return the values of the window action xml_id (of customer_care)
    showing only records, the form first (for a button that creates them)"""
    pool = Pool()
    Action = pool.get('ir.action')
    ModelData = pool.get('ir.model.data')
    action, = Action.get_action_values('ir.action.act_window', [
            ModelData.get_id('customer_care', xml_id)])
    ids = [r.id for r in records]
    action['res_id'] = ids
    action['pyson_domain'] = PYSONEncoder().encode([('id', 'in', ids)])
    action['views'].reverse()
    return action


def context_company():
    """Return the id of the company of the context, or None without one

    The company module runs a scheduled action once for each of its
    companies, with the company in the context; a scheduled action without
    companies runs once without company, and so does nothing."""
    company_id = Transaction().context.get('company')
    if company_id is not None and company_id >= 0:
        return company_id


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('customer_care.reminder|send_reminders',
                    "Send Customer Care Reminders"),
                ('customer_care.satisfaction.sample|draw_samples',
                    "Draw Monthly Satisfaction Samples"),
                ('sale.subscription|create_reviews',
                    "Create Upcoming Service Reviews"),
                ('inbound.email.inbox|fetch_imap_inboxes',
                    "Fetch the IMAP Mailboxes of the Inboxes"),
                ('customer_care.suggestion_box|send_round_reminders',
                    "Remind the Suggestion Boxes without Collection Round"),
                ('customer_care.indicator|take_snapshots',
                    "Take the Snapshots of the Indicators' Closed Periods"),
                ])


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.domain.help += (
            '\n- "user_id" as the id of the current user')

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        return (*key, Transaction().user)

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        context['user_id'] = Transaction().user
        return context


class EmailTemplate(metaclass=PoolMeta):
    __name__ = 'ir.email.template'

    @classmethod
    def get_default(cls, model, record):
        """Address the e-mail written from a record to its customer only

        Tryton proposes every user, employee and party the record refers
        to (the responsible user next to the customer); a record that
        writes to its customer says to whom with get_email_recipients."""
        pool = Pool()
        values = super().get_default(model, record)
        Model = pool.get(model)
        if hasattr(Model, 'get_email_recipients'):
            try:
                values['to'] = Model(int(record)).get_email_recipients()
            except AccessError:
                pass
        return values

    def get_context(self, record):
        """Give the templates of a record its e-mail variables (a case's
        case, customer, due_date...), also in the client's e-mail dialog"""
        pool = Pool()
        context = super().get_context(record)
        Model = pool.get(self.model.name)
        if hasattr(Model, 'email_template_variables'):
            context.update(Model(int(record.id)).email_template_variables())
        return context
