# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The verbal petitions (Decreto 1166 de 2016): marked from their channel,
their filing record printed with what the decree lists, and their verbal
answer written into the case without an e-mail."""
import datetime as dt
import os
import subprocess

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import set_company
from trytond.modules.customer_care.tests.tools import key_db_cache
from trytond.pool import Pool

key_db_cache()

from trytond.modules.customer_care.tests import tools  # noqa: E402
from trytond.tests.test_tryton import with_transaction  # noqa: E402
from trytond.transaction import Transaction, check_access  # noqa: E402

REPORT = 'customer_care.case.verbal_record'


def pdf_text(content):
    "Return the text of the PDF content, on one line"
    text = subprocess.run(
        ['pdftotext', '-layout', '-', '-'], input=content,
        capture_output=True, check=True).stdout.decode()
    return ' '.join(text.split())


class CaseVerbalTestCase(tools.ModuleDatabaseTestCase):
    "Test the verbal petitions"

    def setup_company(self, lang='en'):
        """Return the company (in Bogotá), a customer with identification,
        address and e-mail, and the current user as its employee"""
        pool = Pool()
        Employee = pool.get('company.employee')
        Lang = pool.get('ir.lang')
        Party = pool.get('party.party')
        User = pool.get('res.user')
        company, customer = tools.create_company_customer(
            customer={'name': "Ana Gómez", 'lang': Lang.get(lang)},
            timezone='America/Bogota')
        Party.write([customer], {
                'identifiers': [('create', [{
                                'type': 'co_cc', 'code': '52123456'}])],
                'addresses': [('create', [{
                                'street': "Calle 10 # 5-20",
                                'city': "Bogotá"}])],
                'contact_mechanisms': [('create', [{
                                'type': 'email',
                                'value': 'ana@example.com'}])],
                })
        agent = Party(name="Pedro Agente")
        agent.save()
        employee = Employee(party=agent, company=company)
        employee.save()
        User.write([User(Transaction().user)], {
                'companies': [('add', [company.id])],
                'company': company.id,
                'employees': [('add', [employee.id])],
                'employee': employee.id,
                })
        return company, customer, employee

    def create_case(self, company, customer, **values):
        "Create and register a verbal petition of customer"
        pool = Pool()
        Case = pool.get('customer_care.case')
        values.setdefault('channel', 'in_person')
        values.setdefault('verbal', True)
        values.setdefault('description', "El medidor no marca desde ayer.")
        with set_company(company):
            case = Case(
                customer=customer, kind='petition', petition_kind='general',
                subject="Revisión del medidor",
                received=dt.datetime(2026, 3, 2, 14, 30), **values)
            case.save()
            Case.register([case])
        return case

    def render(self, case):
        "Return the text of the PDF of the filing record of case"
        pool = Pool()
        Report = pool.get(REPORT, type='report')
        extension, content, _, _ = Report.execute([case.id], {})
        self.assertEqual(extension, 'pdf')
        # Kept to look at them, as scenario_satisfaction.rst does
        if folder := os.environ.get('CUSTOMER_CARE_REPORT_DIR'):
            name = f'{REPORT}-{case.number}-{case.state}.pdf'
            with open(os.path.join(folder, name), 'wb') as file:
                file.write(content)
        return pdf_text(content)

    @with_transaction()
    def test_default_from_channel(self):
        "In person and phone cases are verbal, the others are not"
        pool = Pool()
        Case = pool.get('customer_care.case')
        self.assertFalse(Case.default_verbal())
        case = Case()
        for channel, verbal in [
                ('in_person', True), ('phone', True), ('email', False),
                ('web', False), ('box', False)]:
            case.channel = channel
            case.on_change_channel()
            self.assertEqual(case.verbal, verbal, channel)

    @with_transaction()
    def test_verbal_readonly_after_registered(self):
        "Verbal is editable while draft or registered only"
        pool = Pool()
        Case = pool.get('customer_care.case')
        readonly = Case.verbal.states['readonly']
        from trytond.pyson import PYSONDecoder, PYSONEncoder
        for state, expected in [
                ('draft', False), ('registered', False),
                ('analysis', True), ('answered', True)]:
            value = PYSONDecoder({'state': state}).decode(
                PYSONEncoder().encode(readonly))
            self.assertEqual(value, expected, state)

    @with_transaction()
    def test_record(self):
        """The record gives the number, date and time in company time, the
        petitioner, the object, the reasons, the documents, the employee and
        the statement"""
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        company, customer, employee = self.setup_company()
        case = self.create_case(
            company, customer, contact_phone='+57 300 123 4567')
        Attachment.create([{
                    'resource': str(case), 'name': 'cedula.pdf',
                    'data': b'%PDF'}, {
                    'resource': str(case), 'name': 'factura-marzo.pdf',
                    'data': b'%PDF'}])

        text = self.render(case)

        for expected in [
                "Filing Record of a Verbal Petition", case.number,
                # 14:30 UTC is 09:30 in Bogotá
                "03/02/2026 09:30", "In person",
                "Ana Gómez", "Colombian Citizenship Card (CC) 52123456", "Calle 10 # 5-20",
                "ana@example.com", "+57 300 123 4567",
                "Revisión del medidor", "El medidor no marca desde ayer.",
                "cedula.pdf", "factura-marzo.pdf",
                "Pedro Agente", "Received and filed by",
                "this petition was made verbally",
                "Decreto 1166 de 2016"]:
            self.assertIn(expected, text)
        self.assertNotIn("Verbal answer", text)
        self.assertNotIn("No documents were received", text)

    @with_transaction()
    def test_record_spanish(self):
        "The record is in the customer's language"
        pool = Pool()
        Lang = pool.get('ir.lang')
        Lang.load_translations([Lang.get('es')])
        company, customer, employee = self.setup_company(lang='es')
        case = self.create_case(company, customer, channel='phone')

        text = self.render(case)

        for expected in [
                "Constancia de radicación de petición verbal",
                "Por teléfono", "Recibida y radicada por",
                "se formuló de manera verbal", "Decreto 1166 de 2016",
                "No se recibieron documentos"]:
            self.assertIn(expected, text)

    @with_transaction()
    def test_answer_verbally(self):
        """The verbal answer answers the case without an e-mail and is
        printed on the record; the satisfaction rules apply as for others"""
        pool = Pool()
        Case = pool.get('customer_care.case')
        Email = pool.get('ir.email')
        company, customer, employee = self.setup_company()
        case = self.create_case(company, customer)
        written = self.create_case(
            company, customer, channel='email', verbal=False)
        with set_company(company):
            Case.analyse([case, written])
            Case.write([case, written], {
                    'answer': "Un técnico visita el lunes.\n\nTraiga la factura.",
                    })

            Case.answer_verbally([case])
            Case.respond([written])

        self.assertEqual(case.state, 'answered')
        self.assertTrue(case.answered_verbally)
        self.assertTrue(case.answer_date)
        self.assertEqual(case.answered_by, employee)
        self.assertEqual(case.on_time, written.on_time)
        self.assertEqual(case.satisfaction_rule, written.satisfaction_rule)
        self.assertEqual(Email.search([('resource', '=', str(case))]), [])
        self.assertEqual(
            len(Email.search([('resource', '=', str(written))])), 1)

        text = self.render(case)
        self.assertIn("Verbal answer", text)
        self.assertIn("Un técnico visita el lunes.", text)
        self.assertIn("Traiga la factura.", text)

        with set_company(company):
            Case.reopen([case])
        self.assertEqual(case.state, 'analysis')
        self.assertFalse(case.answered_verbally)
        self.assertNotIn("Verbal answer", self.render(case))

    @with_transaction()
    def test_answer_verbally_errors(self):
        "Only a verbal case with an answer is answered verbally"
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, customer, employee = self.setup_company()
        written = self.create_case(company, customer, verbal=False)
        empty = self.create_case(company, customer)
        with set_company(company):
            Case.analyse([written, empty])
            written.answer = "Respuesta"
            written.save()
            with self.assertRaisesRegex(
                    UserError, 'is not a verbal petition'):
                Case.answer_verbally([written])
            with self.assertRaisesRegex(UserError, 'write the answer'):
                Case.answer_verbally([empty])
        self.assertEqual(written.state, 'analysis')
        self.assertFalse(written.answered_verbally)
        self.assertEqual(empty.state, 'analysis')

    @with_transaction()
    def test_record_errors(self):
        """The record is refused for a written case, a draft and a case that
        lacks what the decree lists, naming what is missing"""
        pool = Pool()
        Case = pool.get('customer_care.case')
        Party = pool.get('party.party')
        company, customer, employee = self.setup_company()
        written = self.create_case(company, customer, verbal=False)
        with self.assertRaisesRegex(UserError, 'is not a verbal petition'):
            self.render(written)

        with set_company(company):
            draft = Case(
                customer=customer, subject="Borrador", channel='phone',
                verbal=True, description="Razones")
            draft.save()
        with self.assertRaisesRegex(UserError, 'is not registered'):
            self.render(draft)

        anonymous = Party(name="Sin datos")
        anonymous.save()
        lacking = self.create_case(company, anonymous, description=None)
        with self.assertRaises(UserError) as context:
            self.render(lacking)
        message = str(context.exception)
        for expected in [
                "identification", "address or e-mail", "reasons"]:
            self.assertIn(expected, message)
        self.assertNotIn("employee", message)

    @with_transaction()
    def test_registration_keeps_missing_data(self):
        "A verbal case lacking data is still registered (never refused)"
        pool = Pool()
        Party = pool.get('party.party')
        company, customer, employee = self.setup_company()
        anonymous = Party(name="Sin datos")
        anonymous.save()
        case = self.create_case(company, anonymous, description=None)
        self.assertEqual(case.state, 'registered')
        self.assertEqual(case.registered_by, employee)
        self.assertEqual(len(case.missing_verbal_data()), 3)

    @with_transaction()
    def test_access(self):
        """The agents answer verbally; the others may not press the
        button"""
        pool = Pool()
        Case = pool.get('customer_care.case')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        company, customer, employee = self.setup_company()
        case = self.create_case(company, customer)
        with set_company(company):
            Case.analyse([case])
            case.answer = "Respuesta verbal"
            case.save()
        outsider, agent = User.create([{
                    'login': 'verbal-outsider', 'name': "Outsider",
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    }, {
                    'login': 'verbal-agent', 'name': "Agent",
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'groups': [('add', [ModelData.get_id(
                                    'customer_care', 'group_customer_care')])],
                    }])
        for user, allowed in [(outsider, False), (agent, True)]:
            with Transaction().set_user(user.id), \
                    Transaction().set_context(
                        company=company.id, companies=[company.id]), \
                    check_access():
                if allowed:
                    Case.answer_verbally([Case(case.id)])
                else:
                    with self.assertRaises(AccessError):
                        Case.answer_verbally([Case(case.id)])
        self.assertEqual(Case(case.id).state, 'answered')
