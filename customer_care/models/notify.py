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
import mimetypes
import textwrap
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr

import trytond.config as config
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction

from .configuration import record_url


def language_of(record):
    "Return the language code in which to write to a user or a party"
    lang = getattr(record, 'language', None) or getattr(record, 'lang', None)
    return lang.code if lang else None


def message_text(msg_id, language, **variables):
    "Return the text of the message in language, with dates in its format"
    pool = Pool()
    Lang = pool.get('ir.lang')
    lang = Lang.get(language)
    variables = {
        k: lang.strftime(v) if isinstance(v, dt.date) else v
        for k, v in variables.items()}
    with Transaction().set_context(language=language):
        return gettext(msg_id, **variables)


def record_links(records, language):
    "Return the lines giving the web client's address of each record"
    if not records:
        return ''
    lines = [message_text('customer_care.msg_email_record_links', language)]
    lines.extend(f'{r.rec_name}: {record_url(r)}' for r in records)
    return '\n'.join(lines)


def send_email(to, subject, body, resource=None, attachments=None,
        html=None, headers=None):
    """Send an e-mail after commit and record it as ir.email of resource

    attachments is a list of (file name, data); they are also attached to
    the ir.email, as Tryton's e-mail dialog does. With html, the e-mail has
    body as its plain-text part and html as its HTML part, and the ir.email
    keeps the HTML (as Tryton's e-mails do). headers are added (Message-ID,
    In-Reply-To...)."""
    pool = Pool()
    Email = pool.get('ir.email')
    Attachment = pool.get('ir.attachment')
    msg = EmailMessage()
    msg['From'] = config.get('email', 'from')
    msg['To'] = to
    msg['Subject'] = subject
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    if html:
        msg.add_alternative(html, subtype='html')
    for name, data in attachments or []:
        ctype = mimetypes.guess_type(name)[0] or 'application/octet-stream'
        maintype, subtype = ctype.split('/', 1)
        msg.add_attachment(
            data, maintype=maintype, subtype=subtype, filename=name)
    send_message_transactional(msg)
    email = Email.from_message(msg, body=html or body, resource=resource)
    email.save()
    if attachments:
        Attachment.save([
                Attachment(resource=email, name=name, data=data)
                for name, data in attachments])
    return email


def notify_users(users, records, subject_msg, body_msg, **variables):
    """Notify each user about the records, in the client and by e-mail.

    subject_msg and body_msg are ir.message ids, written in the language of
    each user with the variables. The notification opens the records; the
    e-mail ends with their addresses in the web client.
    """
    pool = Pool()
    Notification = pool.get('res.notification')
    records = list(records)
    notifications = []
    for user in users:
        language = language_of(user)
        subject = message_text(subject_msg, language, **variables)
        body = message_text(body_msg, language, **variables)
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
                formataddr((user.name or '', user.email)), subject,
                '\n\n'.join(filter(None, [
                            body, record_links(records, language)])),
                # ir.email requires a resource: about several records, the
                # e-mail is kept on the user it was sent to
                resource=records[0] if len(records) == 1 else user)
    Notification.save(notifications)
    return notifications


def customer_address(record):
    """Return the address to write to the customer of the record (a case):
    its contact e-mail, else the customer's e-mail; None without any"""
    address = record.contact_email or record.customer.email
    if not address:
        return None
    name = record.contact_name or record.customer.name or ''
    try:
        # Readable, not encoded: the e-mail encodes it when sent
        return str(Address(display_name=name, addr_spec=address.strip()))
    except (ValueError, IndexError):
        return formataddr((name, address))


def customer_message(record, subject_msg, body_msg, **variables):
    "Return the subject and the body to the customer, in their language"
    language = language_of(record.customer)
    return (
        message_text(subject_msg, language, **variables),
        message_text(body_msg, language, **variables))


def notify_customer(
        record, subject_msg, body_msg, attachments=None, **variables):
    """E-mail the customer of the record (a case), in the customer's language.

    attachments is a list of (file name, data), or a function returning it
    (called only when there is an address).
    The customer has no access to the web client: the e-mail quotes the
    record but has no link to it.
    Return the ir.email, or None when there is no e-mail address.
    """
    address = customer_address(record)
    if not address:
        return None
    subject, body = customer_message(
        record, subject_msg, body_msg, **variables)
    if callable(attachments):
        attachments = attachments()
    # Threaded with the other e-mails of the case (customer_email.py)
    headers = (record.email_headers(address)
        if hasattr(record, 'email_headers') else None)
    return send_email(
        address, subject, body, resource=record, attachments=attachments,
        headers=headers)


def notify_address(address, record, subject_msg, body_msg, **variables):
    "E-mail an address (of a team) about the record, in the company language"
    subject = message_text(subject_msg, None, **variables)
    body = message_text(body_msg, None, **variables)
    body = '\n\n'.join([body, record_links([record], None)])
    return send_email(address, subject, body, resource=record)
