# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The public follow-up page of a case (routes.py serves it at
/<database>/customer_care/case/<number>/<token>, the link that
case.follow_up_url gives).

With the case's number and the secret token of its link (only the token's
digest is stored, models/case_follow_up.py), the customer sees the state,
the due date, the answer once there is one and the public messages of the
case's discussion, and adds a message or documents: the message is posted
to the discussion as the customer's e-mail, the documents are attached to
the case. A wrong number and a wrong token get the same page (404); the
page acts as the user of the company's web form (or the module's web form
user), never as the administrator.
"""
import logging

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.protocols.wrappers import abort
from trytond.transaction import Transaction

from .case_form_page import failure_page, read_posted, read_uploads
from .models.calendar import to_local
from .public_page import (
    RateLimiter, browser_language, check_form_token, clean_text, form_nonce,
    form_token, load_template, render_template, run_as, set_form_cookie)

logger = logging.getLogger(__name__)

TEMPLATE = load_template('case_follow_up_page.html')
MAX_MESSAGE = 5000
# The requests of each address in an hour: a customer reloads the page
# now and then, a guesser of links much more
RATE_LIMIT = 120
CLOSED_STATES = {'closed', 'cancelled'}

limiter = RateLimiter()


class DefaultWebForm:
    "The attachment limits of a company without web form"
    attachment_count = 3
    attachment_size = 5
    max_attachment_bytes = attachment_size * 1024 * 1024
    extensions = {'pdf', 'jpg', 'jpeg', 'png', 'gif', 'txt', 'doc', 'docx',
        'odt', 'xls', 'xlsx', 'ods'}


def serve(request, pool, number, token):
    """Answer the request for the follow-up page of the case of number and
    token, as the user of the web form of the case's company"""
    try:
        Case = pool.get('customer_care.case')
        WebForm = pool.get('customer_care.configuration.web_form')
    except KeyError:
        abort(404)
    address = request.remote_addr or ''
    with Transaction().start(
            pool.database_name, 0, readonly=True,
            context={'_request': request.context}) as transaction:
        language = (browser_language(request, pool)
            or pool.get('ir.configuration').get_language())
        if not limiter.hit((transaction.database.name, address), RATE_LIMIT):
            with transaction.set_context(language=language):
                return message_page(
                    429, 'customer_care.msg_case_form_too_many')
        case = case_of_link(Case, number, token)
        if case is None:
            with transaction.set_context(language=language):
                return message_page(
                    404, 'customer_care.msg_case_follow_up_unknown')
        case_id, company_id = case.id, case.company.id
        if case.customer.lang:
            language = case.customer.lang.code
        web_forms = WebForm.search([('company', '=', company_id)], limit=1)
        user_id = (web_forms[0].user.id if web_forms
            else WebForm.default_user())
        web_form_id = web_forms[0].id if web_forms else None
    return run_as(
        request, pool, _handle, case_id, web_form_id, user=user_id,
        company=company_id, language=language, failure=failure_page,
        name=f"follow-up page of case {case_id}")


def case_of_link(Case, number, token):
    "Return the case of the link, or None for any wrong or hostile link"
    if (not number or not token or len(number) > 50 or len(token) > 100):
        return None
    try:
        number.encode('utf-8')
        token.encode('utf-8')
    except UnicodeError:
        return None
    return Case.case_of_follow_up(number, token)


def message_page(status, message_id, **variables):
    return render_template(
        TEMPLATE, status, title='', message=gettext(message_id, **variables),
        error=status >= 400, case=None)


def _handle(request, pool, case_id, web_form_id):
    Case = pool.get('customer_care.case')
    WebForm = pool.get('customer_care.configuration.web_form')
    transaction = Transaction()
    case = Case(case_id)
    web_form = WebForm(web_form_id) if web_form_id else DefaultWebForm()
    key = case.follow_up_token_digest
    if request.method != 'POST':
        return render(request, case, web_form, 200)
    posted_form = read_posted(request, web_form)
    if posted_form is None:
        return message_page(413, 'customer_care.msg_case_form_too_large',
            size=web_form.attachment_size)
    form, files = posted_form
    text = clean_text(form.get('message', ''), multiline=True)
    if not check_form_token(key, request, form.get('token')):
        return render(request, case, web_form, 400, posted=text,
            message=gettext('customer_care.msg_case_form_expired'))
    if case.state in CLOSED_STATES:
        return render(request, case, web_form, 400,
            message=gettext('customer_care.msg_case_follow_up_closed'))
    errors = []
    if len(text) > MAX_MESSAGE:
        errors.append(gettext(
                'customer_care.msg_case_form_too_long',
                field=gettext('customer_care.msg_case_follow_up_message'),
                size=MAX_MESSAGE))
    attachments, upload_errors = read_uploads(
        web_form, files.getlist('attachments'))
    errors.extend(upload_errors)
    if not errors and not text and not attachments:
        errors.append(gettext('customer_care.msg_case_follow_up_empty'))
    if errors:
        return render(
            request, case, web_form, 400, posted=text, errors=errors)
    try:
        add_message(case, text, attachments)
    except Exception:
        transaction.rollback()
        raise
    return render(
        request, Case(case_id), web_form, 200,
        message=gettext('customer_care.msg_case_follow_up_added'))


def customer_email(case):
    return case.contact_email or case.customer.email or None


def add_message(case, text, attachments):
    """Post the customer's message to the discussion of the case, as public
    from their e-mail, and attach the documents"""
    pool = Pool()
    Attachment = pool.get('ir.attachment')
    Channel = pool.get('ir.chat.channel')
    Message = pool.get('ir.chat.message')
    if attachments:
        Attachment.save([
                Attachment(resource=case, name=name, type='data', data=data)
                for name, data in attachments])
        names = ', '.join(name for name, _ in attachments)
        note = gettext(
            'customer_care.msg_case_follow_up_document_message', names=names)
        text = f'{text}\n\n{note}' if text else note
    email = customer_email(case)
    channel = Channel._get_channel(case)
    message = Message(
        channel=channel, email=email, audience='public', content=text)
    message.save()
    Channel.dispatch_message(message, lambda follower: follower == email)
    # The customer completing an incomplete request (case_suspension.py)
    case.__class__.customer_wrote([case], 'page')
    return message


def public_messages(case):
    "Return the (author, date, content) of the public messages of the case"
    pool = Pool()
    Message = pool.get('ir.chat.message')
    messages = Message.search([
            ('channel.resource', '=', str(case)),
            ('audience', '=', 'public'),
            ], order=[('create_date', 'ASC'), ('id', 'ASC')])
    you = gettext('customer_care.msg_case_follow_up_you')
    # The messages of the company's users are signed by the company
    return [(you if m.email else case.company.rec_name, m.create_date,
            m.content) for m in messages]


def render(request, case, web_form, status, posted='', errors=None,
        message=''):
    pool = Pool()
    Case = pool.get('customer_care.case')
    Lang = pool.get('ir.lang')
    lang = Lang.get()
    selections = Case.fields_get(['state', 'kind'])
    states = dict(selections['state']['selection'])
    kinds = dict(selections['kind']['selection'])
    nonce = form_nonce(request)
    names = ['subject', 'kind', 'state', 'received', 'due', 'answer',
        'messages', 'no_message', 'add', 'message', 'documents', 'submit']
    texts = {n: gettext(f'customer_care.msg_case_follow_up_{n}')
        for n in names}
    texts['attachments_help'] = gettext(
        'customer_care.msg_case_form_attachments_help',
        count=web_form.attachment_count, size=web_form.attachment_size,
        types=', '.join(sorted(web_form.extensions)))
    texts['errors'] = gettext('customer_care.msg_case_form_errors')
    answered = case.state in {'answered', 'closed'}
    response = render_template(
        TEMPLATE, status,
        title=gettext(
            'customer_care.msg_case_follow_up_title', number=case.number),
        message=message, error=status >= 400 and not errors, case={
            'company': case.company.rec_name,
            'subject': case.subject,
            'kind': kinds.get(case.kind, ''),
            'state': states.get(case.state, ''),
            # The dates of the company, not of the server (UTC)
            'received': lang.strftime(
                to_local(case.received, case.company).date()),
            'due': lang.strftime(case.due_date) if case.due_date else '',
            'answer': case.answer if answered else None,
            'messages': [(author,
                    lang.strftime(to_local(date, case.company).date()),
                    content)
                for author, date, content in public_messages(case)],
            'open': case.state not in CLOSED_STATES,
            'closed': gettext('customer_care.msg_case_follow_up_closed'),
            },
        form={
            'action': '',
            'token': form_token(case.follow_up_token_digest, nonce),
            'texts': texts,
            'posted': posted,
            'errors': errors or [],
            'length': MAX_MESSAGE,
            'accept': ','.join('.' + e for e in sorted(web_form.extensions)),
            'attachment_count': web_form.attachment_count,
            })
    database = Transaction().database.name
    set_form_cookie(response, request, f'/{database}/customer_care/', nonce)
    return response
