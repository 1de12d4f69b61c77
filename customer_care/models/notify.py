# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tell people what they must know: Tryton notifications and e-mails.

Every e-mail is sent through Tryton's own transactional mail sending (so it
leaves only when the transaction commits, to the SMTP server of the
``[email] uri`` setting) and is recorded as an ``ir.email`` attached to the
record it is about.
"""
import datetime as dt
import json
import textwrap
from email.message import EmailMessage
from email.utils import formataddr

import trytond.config as config
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction


def _language(record):
    "Return the language code in which to write to a user or a party"
    lang = getattr(record, 'language', None) or getattr(record, 'lang', None)
    return lang.code if lang else None


def _message(msg_id, language, **variables):
    "Return the text of the message in language, with dates in its format"
    pool = Pool()
    Lang = pool.get('ir.lang')
    lang = Lang.get(language)
    variables = {
        k: lang.strftime(v) if isinstance(v, dt.date) else v
        for k, v in variables.items()}
    with Transaction().set_context(language=language):
        return gettext(msg_id, **variables)


def send_email(to, subject, body, resource=None):
    "Send an e-mail after commit and record it as ir.email of resource"
    pool = Pool()
    Email = pool.get('ir.email')
    msg = EmailMessage()
    msg['From'] = config.get('email', 'from')
    msg['To'] = to
    msg['Subject'] = subject
    msg.set_content(body)
    send_message_transactional(msg)
    email = Email.from_message(msg, body=body, resource=resource)
    email.save()
    return email


def notify_users(users, records, subject_msg, body_msg, **variables):
    """Notify each user about the records, in the client and by e-mail.

    subject_msg and body_msg are ir.message ids, written in the language of
    each user with the variables.
    """
    pool = Pool()
    Notification = pool.get('res.notification')
    records = list(records)
    notifications = []
    for user in users:
        language = _language(user)
        subject = _message(subject_msg, language, **variables)
        body = _message(body_msg, language, **variables)
        notifications.append(Notification(
                user=user,
                label=subject,
                # A notification is one line: the e-mail has the whole body
                description=textwrap.shorten(' '.join(body.split()), 250),
                icon='tryton-notification',
                model=records[0].__name__ if records else None,
                records=(json.dumps([r.id for r in records])
                    if records else None),
                ))
        if user.email:
            send_email(
                formataddr((user.name or '', user.email)), subject, body,
                # ir.email requires a resource: about several records, the
                # e-mail is kept on the user it was sent to
                resource=records[0] if len(records) == 1 else user)
    Notification.save(notifications)
    return notifications


def notify_customer(record, subject_msg, body_msg, **variables):
    """E-mail the customer of the record (a case), in the customer's language.

    Return the ir.email, or None when there is no e-mail address.
    """
    address = record.contact_email or record.customer.email
    if not address:
        return None
    language = _language(record.customer)
    subject = _message(subject_msg, language, **variables)
    body = _message(body_msg, language, **variables)
    name = record.contact_name or record.customer.name or ''
    return send_email(
        formataddr((name, address)), subject, body, resource=record)


def notify_address(address, record, subject_msg, body_msg, **variables):
    "E-mail an address (of a team) about the record, in the company language"
    subject = _message(subject_msg, None, **variables)
    body = _message(body_msg, None, **variables)
    return send_email(address, subject, body, resource=record)
