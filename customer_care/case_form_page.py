# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The public web form where anyone files a petition, complaint, claim,
suggestion or compliment with a company (routes.py serves it at
/<database>/customer_care/<company id>/case/new).

Each company has its own form (customer_care.configuration.web_form): the
policy on personal data the customer accepts, the user the form acts as,
the attachments it takes and how often one address may post. The page runs
as that user, never as the administrator: it creates the customer and the
case with the access checks of its group, which reads no case, then
registers the case (routing, legal term) and e-mails the acknowledgement
with the link of the follow-up page (case_follow_up_page.py) it also shows.

What is posted is checked before anything is written: a field too long, a
file too large or of another type, a missing consent refuse the whole form
(400) with the errors listed; a form not made by this page (anti-forgery
token), a filled honeypot field, too many posts from one address (429), a
request too large (413) write nothing. An unexpected error is logged and
answered with a clean page (500), never a trace.
"""
import datetime as dt
import logging
import re

from werkzeug.exceptions import RequestEntityTooLarge

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.protocols.wrappers import abort
from trytond.tools.email_ import normalize_email
from trytond.transaction import Transaction, check_access

from .models.configuration_web_form import policy_digest
from .public_page import (
    RateLimiter, browser_language, check_form_token, clean_text,
    content_matches, file_extension, file_name, form_nonce, form_token,
    load_template, render_template, run_as, set_form_cookie)

logger = logging.getLogger(__name__)

TEMPLATE = load_template('case_form_page.html')
# The largest request any form may allow (routes.py), and the largest text
# part of a form (bytes)
MAX_REQUEST_SIZE = 64 * 1024 * 1024
MAX_TEXT_SIZE = 128 * 1024
# The field names and their longest value (characters)
LENGTHS = {
    'name': 120,
    'identifier_type': 20,
    'identifier_code': 30,
    'email': 254,
    'phone': 30,
    'kind': 20,
    'subject': 200,
    'description': 10000,
    }
REQUIRED = [
    'name', 'identifier_type', 'identifier_code', 'email', 'kind',
    'subject', 'description']
HONEYPOT = 'website'
ATTACHMENTS = 'attachments'
# The identity documents the form offers, the first one preselected
IDENTIFIER_TYPES = ['co_cc', 'co_ce', 'co_vat', 'co_ti', 'co_ppt', 'passport']
EMAIL = re.compile(r'[^@\s<>()",;:\\]+@[^@\s<>()",;:\\]+\.[^@\s<>()",;:\\]+')
PHONE = re.compile(r'\+?[0-9 ().-]{5,30}')

# The posts of each address (see doc/limitations.rst)
limiter = RateLimiter()


def form_path(company_id):
    database = Transaction().database.name
    return f'/{database}/customer_care/{company_id}/case/new'


def cookie_path():
    "The path under which the pages of the module see the form cookie"
    return f'/{Transaction().database.name}/customer_care/'


def serve(request, pool, company_id):
    """Answer the request for the form of the company: find its web form
    and its user, then handle the request as that user"""
    try:
        WebForm = pool.get('customer_care.configuration.web_form')
    except KeyError:
        abort(404)
    with Transaction().start(
            pool.database_name, 0, readonly=True,
            context={'_request': request.context}):
        language = (browser_language(request, pool)
            or pool.get('ir.configuration').get_language())
        web_forms = WebForm.search([
                ('company', '=', company_id),
                ], limit=1)
        if not web_forms:
            with Transaction().set_context(language=language):
                return message_page(404, 'customer_care.msg_case_form_not_found')
        web_form, = web_forms
        web_form_id, user_id = web_form.id, web_form.user.id
        # Counted once a post, outside the transaction that may be retried
        if request.method == 'POST' and not limiter.hit(
                (pool.database_name, company_id, request.remote_addr or ''),
                web_form.rate_limit):
            with Transaction().set_context(language=language):
                return message_page(
                    429, 'customer_care.msg_case_form_too_many')
    return run_as(
        request, pool, _handle, web_form_id, user=user_id,
        company=company_id, language=language, failure=failure_page,
        name=f"web form of company {company_id}")


def failure_page():
    "Return the page of an unexpected error (500)"
    return message_page(500, 'customer_care.msg_case_form_failure')


def message_page(status, message_id, **variables):
    "Return a page that only says the message"
    return render_template(
        TEMPLATE, status, title='', message=gettext(message_id, **variables),
        error=status >= 400, form=None)


def _handle(request, pool, web_form_id):
    WebForm = pool.get('customer_care.configuration.web_form')
    transaction = Transaction()
    web_form = WebForm(web_form_id)
    if request.method != 'POST':
        return render_form(request, web_form, 200)
    posted_form = read_posted(request, web_form)
    if posted_form is None:
        return message_page(413, 'customer_care.msg_case_form_too_large',
            size=web_form.attachment_size)
    form, files = posted_form
    posted = clean_posted(form)
    if not check_form_token(web_form.secret, request, form.get('token')):
        return render_form(
            request, web_form, 400, posted=posted,
            message=gettext('customer_care.msg_case_form_expired'))
    if form.get(HONEYPOT):
        logger.info(
            "web form: honeypot filled from %s", request.remote_addr)
        return message_page(400, 'customer_care.msg_case_form_refused')
    values, errors = parse_form(web_form, posted, files.getlist(ATTACHMENTS))
    if not errors:
        try:
            case, token = file_case(web_form, values)
        except (UserError, ValidationError) as exception:
            transaction.rollback()
            logger.info("web form: case refused", exc_info=True)
            errors = [(None, exception.message)]
    if errors:
        return render_form(
            request, web_form, 400, posted=posted, errors=errors)
    return render_thanks(case, token)


def read_posted(request, web_form):
    """Return the form and the files posted, or None when the request is
    larger than the files and the text that the web form allows"""
    limit = (web_form.max_attachment_bytes * max(web_form.attachment_count, 1)
        + MAX_TEXT_SIZE)
    if (request.content_length or 0) > limit:
        return None
    request.max_form_memory_size = MAX_TEXT_SIZE
    try:
        return request.form, request.files
    except RequestEntityTooLarge:
        return None


def clean_posted(form):
    "Return the texts of the posted form (a mapping) cleaned, by field"
    posted = {name: clean_text(form.get(name, ''),
            multiline=name == 'description')
        for name in LENGTHS}
    posted['consent'] = bool(form.get('consent'))
    return posted


def texts(web_form):
    "Return the translated texts of the form"
    names = [
        'introduction', 'required_note', 'required', 'name',
        'identifier_type', 'identifier_code', 'email', 'email_help', 'phone',
        'kind', 'subject', 'description', 'description_help', 'attachments',
        'policy', 'consent', 'honeypot', 'submit', 'errors']
    result = {n: gettext(f'customer_care.msg_case_form_{n}') for n in names}
    result['attachments_help'] = gettext(
        'customer_care.msg_case_form_attachments_help',
        count=web_form.attachment_count, size=web_form.attachment_size,
        types=', '.join(sorted(web_form.extensions)))
    return result


def choices():
    "Return the options of the kind and the identification type"
    pool = Pool()
    Case = pool.get('customer_care.case')
    PartyConfiguration = pool.get('party.configuration')
    kinds = Case.fields_get(['kind'])['kind']['selection']
    labels = dict(PartyConfiguration.fields_get(
            ['identifier_types'])['identifier_types']['selection'])
    labels['co_vat'] = 'NIT'
    types = [(t, labels.get(t, t)) for t in IDENTIFIER_TYPES]
    return kinds, types


def title(web_form):
    return web_form.title or gettext(
        'customer_care.msg_case_form_title',
        company=web_form.company.rec_name)


def render_form(request, web_form, status, posted=None, errors=None,
        message=''):
    "Return the page of the form, with the posted values and their errors"
    kinds, types = choices()
    nonce = form_nonce(request)
    # The errors by field, and in the summary in the order of the form
    errors = errors or []
    order = list(LENGTHS) + ['consent', ATTACHMENTS, None]
    errors.sort(key=lambda e: order.index(e[0]))
    response = render_template(
        TEMPLATE, status, title=title(web_form), message=message,
        error=bool(message), form={
            'action': form_path(web_form.company.id),
            'token': form_token(web_form.secret, nonce),
            'texts': texts(web_form),
            'kinds': kinds,
            'types': types,
            'posted': posted or {'identifier_type': IDENTIFIER_TYPES[0]},
            'errors': errors,
            'field_errors': dict(e for e in errors if e[0]),
            'lengths': LENGTHS,
            'policy': [p.strip() for p in re.split(
                    r'\n\s*\n', web_form.policy or '') if p.strip()],
            'accept': ','.join(
                '.' + e for e in sorted(web_form.extensions)),
            'attachment_count': web_form.attachment_count,
            'honeypot': HONEYPOT,
            })
    set_form_cookie(response, request, cookie_path(), nonce)
    return response


def field_label(name):
    return gettext(f'customer_care.msg_case_form_{name}')


def parse_form(web_form, posted, uploads):
    """Return the values of the case from the posted texts (cleaned) and
    uploaded files, and the list of (field, error) that refuse them"""
    errors = []
    values = {}
    for name, length in LENGTHS.items():
        value = posted.get(name, '')
        if len(value) > length:
            errors.append((name, gettext(
                        'customer_care.msg_case_form_too_long',
                        field=field_label(name), size=length)))
        elif not value and name in REQUIRED:
            errors.append((name, gettext(
                        'customer_care.msg_case_form_missing',
                        field=field_label(name))))
        else:
            values[name] = value
    kinds, types = choices()
    for name, options in [('kind', kinds), ('identifier_type', types)]:
        if values.get(name) and values[name] not in dict(options):
            del values[name]
            errors.append((name, gettext(
                        'customer_care.msg_case_form_invalid_choice',
                        field=field_label(name))))
    if values.get('email'):
        if not EMAIL.fullmatch(values['email']):
            del values['email']
            errors.append(('email', gettext(
                        'customer_care.msg_case_form_invalid_email')))
        else:
            values['email'] = normalize_email(values['email'])
    if values.get('phone'):
        phone = values['phone']
        if (not PHONE.fullmatch(phone)
                or sum(c.isdigit() for c in phone) < 5):
            del values['phone']
            errors.append(('phone', gettext(
                        'customer_care.msg_case_form_invalid_phone')))
    if values.get('identifier_code') and values.get('identifier_type'):
        code = identifier_code(
            values['identifier_type'], values['identifier_code'])
        if code is None:
            del values['identifier_code']
            errors.append(('identifier_code', gettext(
                        'customer_care.msg_case_form_invalid_identifier')))
        else:
            values['identifier_code'] = code
    if not posted.get('consent'):
        errors.append(('consent', gettext(
                    'customer_care.msg_case_form_consent_missing')))
    attachments, attachment_errors = read_uploads(web_form, uploads)
    errors.extend((ATTACHMENTS, e) for e in attachment_errors)
    values['attachments'] = attachments
    return values, errors


def identifier_code(type_, code):
    """Return the code of the identity document in its compact form, or
    None when it is not valid for its type"""
    compact = re.sub(r'[\s.-]', '', code).upper()
    if type_ == 'co_vat':
        from stdnum.co import nit
        return nit.compact(compact) if nit.is_valid(compact) else None
    if type_ in {'co_cc', 'co_ti', 'co_ppt'}:
        pattern = r'[0-9]{3,15}'
    else:
        pattern = r'[A-Z0-9]{3,20}'
    return compact if re.fullmatch(pattern, compact) else None


def read_uploads(web_form, uploads, count=None):
    """Return the (name, data) of the uploaded files and the errors that
    refuse them: too many, of a type not allowed, empty or too large"""
    attachments, errors = [], []
    uploads = [u for u in uploads if u.filename]
    count = web_form.attachment_count if count is None else count
    if len(uploads) > count:
        return [], [gettext(
                'customer_care.msg_case_form_attachment_count', count=count)]
    extensions = web_form.extensions
    types = ', '.join(sorted(extensions))
    for upload in uploads:
        name = file_name(upload.filename) or 'file'
        extension = file_extension(name)
        # From the start: trytond runs the request again when it restarts
        # its transaction (the lock of a team's round robin)
        upload.stream.seek(0)
        data = upload.stream.read(web_form.max_attachment_bytes + 1)
        if extension not in extensions or not content_matches(
                extension, data):
            errors.append(gettext(
                    'customer_care.msg_case_form_attachment_type',
                    name=name, types=types))
        elif not data:
            errors.append(gettext(
                    'customer_care.msg_case_form_attachment_empty',
                    name=name))
        elif len(data) > web_form.max_attachment_bytes:
            errors.append(gettext(
                    'customer_care.msg_case_form_attachment_size',
                    name=name, size=web_form.attachment_size))
        else:
            attachments.append((name, data))
    return attachments, errors


def match_party(values):
    """Return the customer of the form and the parties to confirm.

    The customer is the only party with both the identity document and the
    e-mail address. A party with only one of them is not trusted (anyone
    may type another person's document or address): the customer is then
    None (a new party) and those parties are the candidates an agent
    confirms or merges."""
    pool = Pool()
    Identifier = pool.get('party.identifier')
    ContactMechanism = pool.get('party.contact_mechanism')
    identifiers = Identifier.search([
            ('type', '=', values['identifier_type']),
            ('code_compact', '=', values['identifier_code']),
            ('party.active', '=', True),
            ])
    by_identifier = {i.party for i in identifiers}
    email = values['email']
    escaped = re.sub(r'([\\%_])', r'\\\1', email)
    mechanisms = ContactMechanism.search([
            ('type', '=', 'email'),
            ('value', 'ilike', escaped),
            ('party.active', '=', True),
            ])
    by_email = {m.party for m in mechanisms
        if (m.value or '').lower() == email.lower()}
    both = by_identifier & by_email
    if len(both) == 1:
        return both.pop(), []
    return None, sorted(by_identifier | by_email, key=lambda p: p.id)


def file_case(web_form, values):
    """Create the case of the form's values, and its customer when the
    form matches none; register it, attach the files and e-mail the
    acknowledgement. Return the case and its follow-up token."""
    pool = Pool()
    Attachment = pool.get('ir.attachment')
    Case = pool.get('customer_care.case')
    Lang = pool.get('ir.lang')
    Party = pool.get('party.party')
    Identifier = pool.get('party.identifier')
    ContactMechanism = pool.get('party.contact_mechanism')
    language = Transaction().context.get('language')
    party, candidates = match_party(values)
    # The records that the customer's input makes are created with the
    # access rights of the form's user
    with check_access():
        if party is None:
            langs = Lang.search([('code', '=', language)], limit=1)
            mechanisms = [ContactMechanism(type='email', value=values['email'])]
            if values.get('phone'):
                mechanisms.append(
                    ContactMechanism(type='phone', value=values['phone']))
            party = Party(
                name=values['name'],
                lang=langs[0] if langs else None,
                identifiers=[Identifier(
                        type=values['identifier_type'],
                        code=values['identifier_code'])],
                contact_mechanisms=mechanisms)
            party.save()
        policy = web_form.policy
        case = Case(
            company=web_form.company,
            kind=values['kind'],
            petition_kind='general' if values['kind'] == 'petition' else None,
            channel='web',
            customer=party,
            contact_name=values['name'],
            contact_email=values['email'],
            contact_phone=values.get('phone') or None,
            subject=values['subject'],
            description=values['description'],
            received=dt.datetime.now().replace(microsecond=0),
            consent_date=dt.datetime.now().replace(microsecond=0),
            consent_policy=policy,
            consent_digest=policy_digest(policy),
            consent_language=language,
            )
        token = case.new_follow_up_token()
        case.save()
    # The server's own steps, as for a button: the parties to confirm,
    # routing, term, e-mails
    if candidates:
        Case.write([case], {
                'customer_to_confirm': True,
                'customer_candidates': [('add', [p.id for p in candidates])],
                })
    Attachment.save([
            Attachment(resource=case, name=name, type='data', data=data)
            for name, data in values['attachments']])
    Case.register([case])
    Case.acknowledge([case], tokens={case.id: token})
    return case, token


def render_thanks(case, token):
    "Return the page that gives the case number, due date and link"
    pool = Pool()
    Lang = pool.get('ir.lang')
    lang = Lang.get()
    due = gettext(
        'customer_care.msg_case_form_due',
        date=lang.strftime(case.due_date)) if case.due_date else ''
    return render_template(
        TEMPLATE, 200, title=title_of_case(case), message='', error=False,
        form=None, thanks={
            'number': gettext(
                'customer_care.msg_case_form_thanks', number=case.number),
            'due': due,
            'follow_up': gettext('customer_care.msg_case_form_follow_up'),
            'url': case.follow_up_url(token),
            'emailed': gettext(
                'customer_care.msg_case_form_emailed',
                email=case.contact_email),
            })


def title_of_case(case):
    pool = Pool()
    WebForm = pool.get('customer_care.configuration.web_form')
    web_forms = WebForm.search([('company', '=', case.company.id)], limit=1)
    if web_forms:
        return title(web_forms[0])
    return case.company.rec_name
