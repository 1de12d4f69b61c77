# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Tests of the cases list: the search box, the due-soon tab, the default
order, the SLA status filter, the company times and the contracts' names."""
import datetime as dt
from unittest.mock import patch

from trytond.modules.company.tests import set_company
from trytond.modules.customer_care.tests.tools import key_db_cache
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.transaction import Transaction

key_db_cache()

from trytond.modules.customer_care.tests import tools  # noqa: E402
from trytond.tests.test_tryton import with_transaction  # noqa: E402

# Friday 13 November 2026; Monday 16 is a public holiday in Colombia
FRIDAY = dt.date(2026, 11, 13)


class CaseListTestCase(tools.ModuleDatabaseTestCase):
    "Test the cases list"

    def _setup(self):
        "Create a Colombian company in Bogotá and a customer; return them"
        return tools.create_company_customer(
            timezone='America/Bogota', reminder_days=2,
            customer={
                'name': "Gasoductos Andinos", 'addresses': [{}],
                'contact_mechanisms': [
                    {'type': 'phone', 'value': '+576015551234'},
                    {'type': 'email',
                        'value': 'compras@andinos.example.com'},
                    ]})

    def _case(self, customer, **values):
        pool = Pool()
        Case = pool.get('customer_care.case')
        values.setdefault('subject', "Subject")
        values.setdefault('received', dt.datetime(2026, 11, 2, 15, 0))
        case = Case(customer=customer, **values)
        case.save()
        return case

    def _set(self, case, **values):
        "Write values straight in the table (as stored, not computed)"
        pool = Pool()
        Case = pool.get('customer_care.case')
        table = Case.__table__()
        cursor = Transaction().connection.cursor()
        columns = [getattr(table, n) for n in values]
        cursor.execute(*table.update(
                columns, list(values.values()), where=table.id == case.id))
        for cache in Transaction().cache.values():
            cache.clear()

    def _search(self, domain, **kwargs):
        pool = Pool()
        Case = pool.get('customer_care.case')
        return [c.id for c in Case.search(domain, **kwargs)]

    @with_transaction()
    def test_search_box(self):
        "Test the search box finds a case by each of its keys"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Party = pool.get('party.party')
        company, customer = self._setup()
        other = Party(name="Otro Cliente")
        other.save()
        with set_company(company):
            case = self._case(
                customer, subject="Fuga en la acometida",
                contact_name="Marta Gómez",
                contact_email="marta.gomez@example.com",
                contact_phone="+57 300 123 4567")
            decoy = self._case(
                other, subject="Factura duplicada",
                contact_email="otro@example.com",
                contact_phone="+57 310 000 0000")
            self.assertTrue(case.number)

            def search(text):
                return self._search([('rec_name', 'ilike', f'%{text}%')])

            for text in [
                    case.number,  # the number still
                    "acometida",  # the subject
                    "andinos",  # the customer's name
                    "marta.gomez@",  # the contact's e-mail
                    "300 123 4567",  # the contact's phone as written
                    "3001234567",  # and without the spaces
                    "601 555 1234",  # a phone of the customer
                    "compras@andinos",  # an e-mail of the customer
                    "Marta Gómez",  # the contact's name
                    ] + (["marta gomez"]  # unaccented
                        if Transaction().database.has_unaccent() else []):
                with self.subTest(text=text):
                    self.assertEqual(search(text), [case.id])
            self.assertEqual(search("duplicada"), [decoy.id])
            self.assertEqual(
                sorted(self._search([
                            ('rec_name', 'not ilike', '%acometida%')])),
                [decoy.id])
            self.assertEqual(
                Case.search_rec_name('rec_name', ('rec_name', '=', 'x'))[0],
                'OR')

    @with_transaction()
    def test_due_soon(self):
        "Test the due status on a calendar with a weekend and a holiday"
        pool = Pool()
        Case = pool.get('customer_care.case')
        Date = pool.get('ir.date')
        company, customer = self._setup()
        due_dates = {
            'overdue': dt.date(2026, 11, 12),
            'today': FRIDAY,
            'weekend': dt.date(2026, 11, 15),
            'holiday': dt.date(2026, 11, 16),
            'first': dt.date(2026, 11, 17),
            'second': dt.date(2026, 11, 18),
            'third': dt.date(2026, 11, 19),
            'none': None,
            }
        with set_company(company):
            cases = {}
            for key, due_date in due_dates.items():
                case = self._case(customer, subject=key)
                self._set(case, state='assigned', due_date=due_date)
                cases[key] = case.id
            closed = self._case(customer, subject="closed")
            self._set(closed, state='closed', due_date=FRIDAY)
            draft = self._case(customer, subject="draft")
            self._set(draft, due_date=FRIDAY)

            with patch.object(Date, 'today', return_value=FRIDAY):
                due_soon = self._search([('due_status', '=', 'due_soon')])
                self.assertEqual(sorted(due_soon), sorted(cases[k] for k in [
                            'today', 'weekend', 'holiday', 'first',
                            'second']))
                self.assertEqual(
                    self._search([('due_status', '=', 'overdue')]),
                    [cases['overdue']])
                self.assertEqual(
                    self._search([('due_status', '=', 'on_track')]),
                    [cases['third']])
                self.assertEqual(
                    sorted(self._search([('due_status', '=', None)])),
                    sorted([cases['none'], closed.id, draft.id]))
                self.assertEqual(
                    sorted(self._search([
                                ('due_status', 'not in',
                                    ['due_soon', None])])),
                    sorted([cases['overdue'], cases['third']]))
                self.assertEqual(
                    sorted(self._search([('due_status', '!=', 'due_soon')])),
                    sorted((set(cases.values()) | {closed.id, draft.id})
                        - set(due_soon)))

                # The getter agrees with the searcher
                for case in Case.browse(list(cases.values())
                        + [closed.id, draft.id]):
                    with self.subTest(case=case.subject):
                        self.assertEqual(
                            self._search([
                                    ('id', '=', case.id),
                                    ('due_status', '=', case.due_status),
                                    ]),
                            [case.id])
                # A saved draft shows its days left
                self.assertEqual(Case(draft.id).days_remaining, 0)
                self.assertEqual(Case(cases['third']).days_remaining, 3)

    @with_transaction()
    def test_due_soon_tab(self):
        "Test the Due Soon tab of the cases searches the due status"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Domain = pool.get('ir.action.act_window.domain')
        tab = Domain(ModelData.get_id(
                'customer_care', 'act_case_form_domain_due_soon'))
        self.assertEqual(
            PYSONDecoder({}).decode(tab.domain),
            [['due_status', '=', 'due_soon']])
        self.assertTrue(tab.count)

    @with_transaction()
    def test_default_order(self):
        "Test the cases list shows the open cases first by due date"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Action = pool.get('ir.action.act_window')
        company, customer = self._setup()
        with set_company(company):
            ids = {}
            for key, state, due_date, received in [
                    ('closed', 'closed', dt.date(2026, 11, 1),
                        dt.datetime(2026, 11, 10)),
                    ('later', 'assigned', dt.date(2026, 11, 20),
                        dt.datetime(2026, 11, 1)),
                    ('undated', 'registered', None,
                        dt.datetime(2026, 11, 12)),
                    ('sooner', 'analysis', dt.date(2026, 11, 17),
                        dt.datetime(2026, 11, 2)),
                    ('answered', 'answered', dt.date(2026, 11, 18),
                        dt.datetime(2026, 11, 11)),
                    ]:
                case = self._case(customer, subject=key)
                self._set(case, state=state, due_date=due_date,
                    received=received)
                ids[case.id] = key
            for xml_id in ['act_case_form', 'act_case_relate_party']:
                action = Action(ModelData.get_id('customer_care', xml_id))
                order = PYSONDecoder({}).decode(action.order)
                with self.subTest(action=xml_id):
                    self.assertEqual(
                        [ids[i] for i in self._search([], order=order)],
                        ['sooner', 'later', 'undated', 'answered', 'closed'])

    def _sla_setup(self):
        pool = Pool()
        Sla = pool.get('customer_care.sla')
        Contract = pool.get('sale.subscription')
        RuleSet = pool.get('sale.subscription.recurrence.rule.set')
        company, customer = self._setup()
        with set_company(company):
            sla = Sla(name="Gold", compliance_target=80)
            sla.targets = [
                {'kind': 'complaint', 'response_duration': 1,
                    'answer_duration': 5},
                ]
            sla.save()
            rule_set, = RuleSet.create([{
                        'name': "Monthly",
                        'rules': [('create', [{'freq': 'monthly'}])],
                        }])
            contract = Contract(
                party=customer, invoice_address=customer.addresses[0],
                start_date=dt.date(2026, 1, 1), invoice_recurrence=rule_set,
                sla=sla, compliance_target=80)
            contract.save()
        return company, customer, contract

    @with_transaction()
    def test_sla_status_filter(self):
        "Test the SLA status of the cases and its filter"
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, customer, contract = self._sla_setup()
        now = dt.datetime.now().replace(microsecond=0)
        long_ago = now - dt.timedelta(days=60)
        with set_company(company):
            def case(received, **values):
                return self._case(
                    customer, contract=contract, kind='complaint',
                    received=received, **values)
            running = case(now)
            # Not responded long after the deadline
            breached = case(long_ago)
            # Responded in time but answered late
            late = case(long_ago)
            self._set(late,
                first_response_date=long_ago + dt.timedelta(hours=1),
                answer_date=long_ago + dt.timedelta(days=30))
            met = case(long_ago)
            self._set(met,
                first_response_date=long_ago + dt.timedelta(hours=1),
                answer_date=long_ago + dt.timedelta(hours=2))
            # Responded in time, still running to answer
            responded = case(now)
            self._set(responded, first_response_date=now)
            # Cancelled before any deadline: not measured
            cancelled = case(now)
            self._set(cancelled, state='cancelled')
            without = self._case(customer, kind='claim', received=now)
            expected = {
                running.id: 'running',
                breached.id: 'breached',
                late.id: 'breached',
                met.id: 'met',
                responded.id: 'running',
                cancelled.id: None,
                without.id: None,
                }
            self.assertEqual(
                {c.id: c.sla_status for c in Case.browse(list(expected))},
                expected)
            for status in ['running', 'breached', 'met', None]:
                with self.subTest(status=status):
                    self.assertEqual(
                        sorted(self._search([('sla_status', '=', status)])),
                        sorted(i for i, s in expected.items()
                            if s == status))
            self.assertEqual(
                sorted(self._search([
                            ('sla_status', 'in', ['breached', 'met'])])),
                sorted([breached.id, late.id, met.id]))
            self.assertEqual(
                sorted(self._search([('sla_status', '!=', 'running')])),
                sorted(i for i, s in expected.items() if s != 'running'))

    @with_transaction()
    def test_company_time(self):
        "Test the received and deadline times in the company's time zone"
        pool = Pool()
        Case = pool.get('customer_care.case')
        company, customer = self._setup()
        with set_company(company):
            # 15:00 UTC is 10:00 in Bogotá
            case = self._case(
                customer, received=dt.datetime(2026, 11, 13, 15, 0))
            self._set(case, deadline=dt.datetime(2026, 11, 20, 4, 59, 59))
            case = Case(case.id)
            # ir.lang keeps the date and the time together with a no-break
            # space
            self.assertEqual(
                case.received_company.replace('\xa0', ' '),
                "11/13/2026 10:00 (America/Bogota)")
            self.assertEqual(
                case.deadline_company.replace('\xa0', ' '),
                "11/19/2026 23:59 (America/Bogota)")

    @with_transaction()
    def test_contract_rec_name(self):
        "Test the contracts are named and found by customer and service"
        pool = Pool()
        Contract = pool.get('sale.subscription')
        Service = pool.get('sale.subscription.service')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')
        ModelData = pool.get('ir.model.data')
        company, customer, contract = self._sla_setup()
        with set_company(company):
            unit = Uom(ModelData.get_id('product', 'uom_unit'))
            template = Template(
                name="Gas Natural Residencial", type='service',
                default_uom=unit, products=[{}])
            template.save()
            service = Service(product=template.products[0])
            service.save()
            contract.reference = "GN-77"
            contract.lines = [{
                    'service': service, 'quantity': 1, 'unit': unit,
                    'unit_price': 0, 'start_date': contract.start_date}]
            contract.save()
            Contract.quote([contract])
            self.assertTrue(contract.number)
            self.assertEqual(
                contract.rec_name,
                f"Gasoductos Andinos – Gas Natural Residencial – "
                f"{contract.number} [GN-77]")
            for text in ["andinos", "residencial", contract.number, "GN-7"]:
                with self.subTest(text=text):
                    self.assertEqual(
                        Contract.search(
                            [('rec_name', 'ilike', f'%{text}%')]),
                        [contract])
            self.assertEqual(
                Contract.search([('rec_name', 'ilike', '%nothing%')]), [])
