# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo data for customer_care: a Colombian gas distributor and its PQRS.

``make demo`` builds an SQLite database with customer_care activated and the
Spanish translations loaded, then runs::

    python -m trytond.modules.customer_care.tests.demo -c CONF -d DBNAME

which fills it through proteus with:

- the company *Gases del Litoral Demo S.A.S. E.S.P.* (Barranquilla,
  Colombia, peso colombiano, time zone America/Bogota), its own holidays and
  the customer care settings (Colombian public holidays, default team);
- the users below, each with an employee of the company and Spanish as
  language;
- teams with manager, members and assignment method (the cases no rule
  routes go to the customer service agents in turn, the industrial
  complaints to the least loaded agent, the regulator's to the legal team,
  which takes them by hand), quality attributes, regulator
  classifications (Superintendencia de Servicios Públicos Domiciliarios) and
  routing rules (regulator notifications to the legal team, "subsidio" to the
  subsidies team, gas leaks and emergencies to the emergency team with a term
  in hours, complaints and claims of industrial customers to the business
  team, compliments to customer service);
- residential, commercial and industrial customers in cities of the Caribbean
  coast, with categories, e-mails, phones, addresses and account managers;
- services (products of type service) with their customer care contacts, and
  contracts (``sale.subscription``) in draft, quotation and running states;
- about fifty cases of every kind and in every state, received from a few
  hours to ten weeks before the day the demo is built (so that the demo is
  always fresh): some overdue, some due soon, one extended, emergencies,
  compliments passed on, regulator cases with the regulator's filing number,
  information requests requested, answered and overdue, one case reopened,
  one petition to forward to the competent organisation and one forwarded
  to it (Ley 1755 de 2015, art. 21),
  an incomplete petition waiting for its customer and one the customer
  completed (Ley 1755 de 2015, art. 17);
- satisfaction checks in every state and with every result (satisfied, not
  satisfied closed without follow-up or waiting for one, not contacted after
  three calls on three business days, not verified, pending, cancelled by the
  reopened case), and a monthly sample of the subsidy claims drawn by the
  coordinator (rule "Reclamos de subsidios: muestra mensual", 2 a month);
  the regulator cases carry the day their answer was uploaded.
  The workflow is driven through the buttons by the user who would press
  them, so every "... By" field names an employee; the answer and closing
  dates of old cases are then set back to a plausible past day;
- market segments (industrial customers with a gas contract, businesses of
  the Barranquilla area, low-stratum homes, allies, every customer in
  Colombia) and improvement actions in every state, most created from a
  case, driven by their users: drafted, waiting for approval, approved (a
  loyalty strategy for a segment), rejected, in progress with overdue plan
  lines, done, checked effective and not effective (with its follow-up
  action) and cancelled;
- SLAs on the running contracts with their account managers and review
  frequencies; service reviews held last week (with minutes, commitments
  met and overdue, and a complaint raised in the meeting) and the upcoming
  ones created by the scheduled action; change requests applied, submitted
  and in draft;
- the company's web form with its personal data policy (Spanish and
  English) and two requests filed through it as its user: one with the
  e-mail of a known customer but another identity document (a new party,
  the known one its candidate to confirm) and a new customer;
- one run of the reminder scheduled action, so that reminders, escalations
  (to the teams' managers at level 1, to the coordinator at level 2),
  notifications and e-mails have content.

Users (the administrator ``admin`` keeps the password given to
``trytond-admin``; ``make demo`` uses ``admin``):

===========  ================  ===============  =============================
login        password          name             groups (role)
===========  ================  ===============  =============================
coordinador  coordinador.demo  Andrés Gómez     Customer Care Administration
                                                (coordinator, settings)
agente       agente.demo       Laura Martínez   Customer Care (agent)
agente2      agente2.demo      Felipe Rojas     Customer Care (subsidies)
juridica     juridica.demo     Mónica Herrera   Customer Care (legal team)
tecnico      tecnico.demo      Ricardo Torres   Customer Care (emergencies,
                                                technical service contact)
servicio     servicio.demo     Diana Castro     Customer Care (billing and
                                                financing service contact)
comercial1   comercial1.demo   Carolina Ruiz    Account Manager (industrial)
comercial2   comercial2.demo   Jorge Pérez      Account Manager (commercial)
===========  ================  ===============  =============================

Service contacts answer information requests, so they are in the Customer
Care group too (the module has no narrower group for them).
"""
import argparse
import dataclasses
import datetime as dt
import random
import sys
import time
from collections import Counter
from decimal import Decimal
from zoneinfo import ZoneInfo

from proteus import Model, Wizard
from proteus import config as pconfig

from trytond import config as tconfig
from trytond.modules.customer_care.models.calendar import BusinessCalendar
from trytond.pyson import PYSONEncoder

__all__ = ['create_demo', 'USERS', 'PASSWORDS']

COMPANY_NAME = "Gases del Litoral Demo S.A.S. E.S.P."
TIMEZONE = 'America/Bogota'
MAIL_DOMAIN = 'gaseslitoral.example'
# The inbox of the customer-care address, by name: its IMAP mailbox is set
# by _configure_inbox_imap, whoever created it
DEMO_INBOX = "Customer care"

# The scheduled actions of the module, run for the demo company
CRONS = [
    'customer_care.reminder|send_reminders',
    'customer_care.satisfaction.sample|draw_samples',
    'sale.subscription|create_reviews',
    'customer_care.suggestion_box|send_round_reminders',
    ]

# The indicators of PSC-004 and of the module (code, name, measure,
# target, amber limit, red limit, owner); four past quarters of snapshots
INDICATORS = [
    ('ATO', "Casos respondidos a tiempo", 'case_on_time', 95, 90, 80,
        'coordinador'),
    ('SC', "Satisfacción del cliente (verificaciones)", 'check_satisfied',
        90, 85, 75, 'coordinador'),
    ('CCT', "Contratos cumplidos en tiempo y forma", 'contract_fulfilment',
        90, 80, 70, 'coordinador'),
    ('QRV', "Quejas y reclamos verificados", 'complaint_verified', 90, 80,
        70, 'coordinador'),
    ('AMV', "Acciones de mejora vencidas", 'action_overdue', 0, 1, 3,
        'coordinador'),
    ('CRE', "Casos recibidos", 'case_count', None, None, None,
        'coordinador'),
    ('QRE', "Quejas recibidas", 'case_count', None, None, None,
        'coordinador', {'kind': 'complaint'}),
    ('CRC', "Casos recibidos de los clientes de Carolina Ruiz",
        'case_count', None, None, None, 'coordinador',
        {'account_manager': 'comercial1'}),
    ('DPR', "Días hábiles promedio de respuesta", 'answer_days_mean', 8,
        10, 15, 'coordinador'),
    ('D90', "Días hábiles de respuesta (percentil 90)", 'answer_days_p90',
        12, 15, 20, 'coordinador'),
    ('SCE', "Satisfacción del cliente (encuestas)", 'survey_satisfied', 85,
        80, 70, 'coordinador'),
    ('NPS', "NPS de la última encuesta", 'survey_nps', 40, 20, 0,
        'coordinador'),
    ('CSA', "CSAT de la última encuesta", 'survey_csat', 85, 80, 70,
        'coordinador'),
    ('SLA', "Metas de ANS cumplidas", 'sla_met', 90, 85, 75, 'coordinador'),
    ('CRS', "Compromisos de revisiones cumplidos a tiempo",
        'commitment_on_time', 90, 80, 70, 'coordinador'),
    ('AMA', "Acciones de mejora abiertas", 'action_open', None, None, None,
        'coordinador'),
    ('AME', "Acciones de mejora cerradas eficaces", 'action_effective', 80,
        70, 50, 'coordinador'),
    ]
INDICATOR_QUARTERS = 4
# The closed cases of the four quarters of the indicators' snapshots, so
# that their trends have four points: (quarters before the last closed
# one, cases, answered late, complaints and claims verified by a call,
# satisfied of them); the cases of CASES are of the last weeks
HISTORY = [
    (3, 14, 4, 6, 4),
    (2, 16, 3, 6, 5),
    (1, 18, 2, 7, 6),
    (0, 12, 3, 5, 5),
    ]
# The cases of the contracts under an SLA in the same quarters, so that the
# CCT and the SLA targets met have four points: (quarters before the last
# closed one, [(contract, kind, answered after the SLA's target)])
HISTORY_SLA = [
    (3, [('clinica', 'complaint', False), ('clinica', 'claim', True),
            ('textiles', 'petition', False)]),
    (2, [('textiles', 'complaint', False), ('textiles', 'claim', False),
            ('clinica', 'petition', True)]),
    (1, [('textiles', 'complaint', True), ('clinica', 'claim', False),
            ('clinica', 'complaint', False)]),
    (0, [('textiles', 'claim', False), ('clinica', 'complaint', False),
            ('clinica', 'petition', False)]),
    ]
HISTORY_SLA_SUBJECT = "Novedad en el suministro del contrato"
# The improvement actions checked in the same quarters, so that their
# effectiveness has four points: (quarters before the last closed one,
# [effectiveness of each action checked in it])
HISTORY_ACTIONS = [
    (3, ['effective', 'not_effective']),
    (2, ['effective']),
    (1, ['effective', 'effective', 'not_effective']),
    (0, ['effective', 'not_effective']),
    ]
HISTORY_ACTION_TITLE = "Ajuste del procedimiento de respuesta a reclamos"
HISTORY_KINDS = ['claim', 'petition', 'complaint', 'claim', 'suggestion']
HISTORY_CHANNELS = ['phone', 'in_person', 'email', 'web', 'phone', 'box']
HISTORY_CUSTOMERS = ['ospina', 'mejia', 'cardenas', 'barrios', 'pacheco',
    'villa']
HISTORY_SUBJECTS = {
    'claim': "Reclamo por cobro de consumo facturado",
    'petition': "Solicitud de información sobre la factura",
    'complaint': "Queja por la atención en la oficina",
    'suggestion': "Sugerencia sobre los canales de atención",
    }

# The management review of the last quarter: the coordinator's conclusions
# and the decisions taken with management
MANAGEMENT_REVIEW_CONCLUSIONS = (
    "Los casos respondidos a tiempo siguen por debajo de la meta: los "
    "reclamos de facturación concentran los vencimientos del trimestre.\n\n"
    "La satisfacción verificada se mantiene en verde y las revisiones de "
    "servicio con los clientes industriales se hicieron según lo pactado.")
MANAGEMENT_REVIEW_DECISIONS = (
    "1. Reforzar el equipo de facturación con un agente durante el próximo "
    "trimestre.\n"
    "2. Plan de mejora para los reclamos de facturación, a cargo del "
    "coordinador, con seguimiento mensual.\n"
    "3. Mantener las metas de los indicadores para el próximo trimestre.")

# login: (name, groups, position)
USERS = {
    'coordinador': ("Andrés Gómez", ['group_customer_care_admin'],
        "Coordinador de Servicio al Cliente"),
    'agente': ("Laura Martínez", ['group_customer_care'],
        "Agente de Servicio al Cliente"),
    'agente2': ("Felipe Rojas", ['group_customer_care'],
        "Agente de Subsidios y Tarifas"),
    'juridica': ("Mónica Herrera", ['group_customer_care'],
        "Abogada de Asuntos Regulatorios"),
    'tecnico': ("Ricardo Torres", ['group_customer_care'],
        "Jefe de Operaciones Técnicas"),
    'servicio': ("Diana Castro", ['group_customer_care'],
        "Documentadora de Facturación y Recaudo"),
    'comercial1': ("Carolina Ruiz", ['group_account_manager'],
        "Gerente de Cuenta Industrial"),
    'comercial2': ("Jorge Pérez", ['group_account_manager'],
        "Gerente de Cuenta Comercial"),
    }
PASSWORDS = {login: f'{login}.demo' for login in USERS}

# code: (name, ISO subdivision code, type)
SUBDIVISIONS = {
    'ATL': ("Atlántico", 'CO-ATL', 'department'),
    'BOL': ("Bolívar", 'CO-BOL', 'department'),
    'MAG': ("Magdalena", 'CO-MAG', 'department'),
    'CES': ("Cesar", 'CO-CES', 'department'),
    'DC': ("Bogotá, Distrito Capital", 'CO-DC', 'capital district'),
    }

CATEGORIES = [
    # (key, name, parent key)
    ('residential', "Residencial", None),
    ('stratum1', "Estrato 1", 'residential'),
    ('stratum2', "Estrato 2", 'residential'),
    ('stratum3', "Estrato 3", 'residential'),
    ('stratum4', "Estrato 4", 'residential'),
    ('commercial', "Comercial", None),
    ('industrial', "Industrial", None),
    ('key_account', "Grandes clientes", 'industrial'),
    ('ally', "Aliado estratégico", None),
    ]

# The citizenship cards (cédulas) of the customers who are persons and gave
# one: the filing record of a verbal petition prints it
IDENTITY_CARDS = {
    'ospina': '22765432',
    }
# key: name, categories, city, subdivision, street, postal code, account
# manager, e-mail, phone, mobile, NIT (without check digit) or None
CUSTOMERS = {
    'ospina': ("María Fernanda Ospina Díaz", ['stratum2'],
        "Barranquilla", 'ATL', "Calle 45 # 12-30, barrio Rebolo", '080002',
        None, 'mfospina@correo.example', None, '+57 300 555 0101', None),
    'mejia': ("Carlos Arturo Mejía Polo", ['stratum3'],
        "Soledad", 'ATL', "Carrera 19 # 63-15, barrio Hipódromo", '083001',
        None, 'carlos.mejia@correo.example', '+57 605 330 1122',
        '+57 301 555 0102', None),
    'cardenas': ("Luz Dary Cárdenas Ríos", ['stratum1'],
        "Malambo", 'ATL', "Calle 11 # 4-20, barrio Caracolí", '083020',
        None, None, None, '+57 302 555 0103', None),
    'barrios': ("José Luis Barrios Fontalvo", ['stratum4'],
        "Santa Marta", 'MAG', "Carrera 4 # 26-40, El Rodadero", '470006',
        None, 'jlbarrios@correo.example', '+57 605 422 3344',
        '+57 310 555 0104', None),
    'pacheco': ("Ana Milena Pacheco Orozco", ['stratum2'],
        "Cartagena de Indias", 'BOL', "Transversal 54 # 30-12, El Pozón",
        '130013', None, 'ana.pacheco@correo.example', None,
        '+57 311 555 0105', None),
    'villa': ("Rafael Enrique Villa Charris", ['stratum3'],
        "Valledupar", 'CES', "Calle 16 # 9-45, barrio Los Mayales",
        '200001', None, 'rafael.villa@correo.example', None,
        '+57 312 555 0106', None),
    'espiga': ("Panadería La Espiga del Norte S.A.S.", ['commercial'],
        "Barranquilla", 'ATL', "Carrera 43 # 84-21, local 2", '080020',
        'comercial1', 'gerencia@laespiga.example', '+57 605 385 4455',
        '+57 313 555 0107', '901234567'),
    'sabor': ("Restaurante Sabor Costeño Ltda.", ['commercial'],
        "Cartagena de Indias", 'BOL', "Calle del Arsenal # 10-45, Getsemaní",
        '130001', 'comercial2', 'administracion@saborcosteno.example',
        '+57 605 664 7788', '+57 314 555 0108', '900765432'),
    'puerta_mar': ("Hotel Puerta del Mar S.A.S.", ['commercial'],
        "Santa Marta", 'MAG', "Carrera 1 # 22-50, Taganga", '470004',
        'comercial2', 'compras@puertadelmar.example', '+57 605 421 9900',
        '+57 315 555 0109', '901456789'),
    'textiles': ("Textiles del Atlántico S.A.", ['key_account'],
        "Malambo", 'ATL', "Parque Industrial Pimsa, bodega 14", '083028',
        'comercial1', 'mantenimiento@textilesatl.example',
        '+57 605 376 1200', '+57 316 555 0110', '890112233'),
    'ceramicas': ("Cerámicas San Lorenzo S.A.S.", ['industrial'],
        "Soledad", 'ATL', "Vía 40 Oriental km 3, zona franca", '083002',
        'comercial1', 'energia@ceramicassl.example', '+57 605 328 4500',
        '+57 317 555 0111', '900998877'),
    'clinica': ("Clínica del Prado Demo S.A.S.", ['commercial'],
        "Barranquilla", 'ATL', "Carrera 50 # 70-15", '080020',
        'comercial2', 'servicios.generales@clinicaprado.example',
        '+57 605 369 0000', '+57 318 555 0112', '900554433'),
    'villa_campestre': ("Conjunto Residencial Villa Campestre P.H.",
        ['commercial'], "Puerto Colombia", 'ATL',
        "Kilómetro 5 vía al mar, portería principal", '081001',
        'comercial2', 'administracion@villacampestre.example',
        '+57 605 359 1010', '+57 319 555 0113', '901112223'),
    'alianza': ("Constructora Alianza Caribe S.A.S.", ['ally'],
        "Barranquilla", 'ATL', "Calle 98 # 52-115, oficina 804", '080020',
        'comercial1', 'proyectos@alianzacaribe.example',
        '+57 605 378 2020', '+57 320 555 0114', '901887766'),
    }

# key: (name, uom symbol, list price, care contacts, subscription
# consumption recurrence key or None when not sold as a contract service)
SERVICES = {
    'gas_res': ("Suministro de gas natural residencial", 'm³',
        Decimal('2850'), ['tecnico'], None),
    'gas_com': ("Suministro de gas natural comercial", 'm³',
        Decimal('2650'), ['tecnico'], 'monthly'),
    'gas_ind': ("Suministro de gas natural industrial", 'm³',
        Decimal('2300'), ['tecnico', 'comercial1'], 'monthly'),
    'erm': ("Mantenimiento de estación de regulación y medición (ERM)", 'u',
        Decimal('4800000'), ['tecnico'], 'quarterly'),
    'telemetry': ("Telemetría y monitoreo remoto de consumo", 'u',
        Decimal('650000'), ['tecnico'], 'monthly'),
    'connection': ("Conexión de nuevos usuarios", 'u',
        Decimal('1250000'), ['servicio'], None),
    'review': ("Revisión periódica de instalaciones internas", 'u',
        Decimal('165000'), ['tecnico'], None),
    'emergency': ("Atención de emergencias 24 horas", 'u',
        Decimal('0'), ['tecnico'], None),
    'billing': ("Facturación y recaudo", 'u', Decimal('0'), ['servicio'],
        None),
    'financing': ("Financiación de gasodomésticos", 'u', Decimal('0'),
        ['servicio'], None),
    'subsidy': ("Subsidios y contribuciones", 'u', Decimal('0'),
        ['servicio'], None),
    }
CONTRACT_SERVICES = {
    key for key, value in SERVICES.items() if value[4]} | {'connection'}

# key: customer, description, state, months since start, [(service, qty)]
CONTRACTS = {
    'textiles': ('textiles', "Suministro industrial y mantenimiento ERM",
        'running', 14, [('gas_ind', 42000), ('erm', 1)]),
    'ceramicas': ('ceramicas', "Suministro industrial para hornos",
        'running', 8, [('gas_ind', 65000), ('telemetry', 1)]),
    'clinica': ('clinica', "Suministro comercial con telemetría",
        'running', 20, [('gas_com', 5200), ('telemetry', 1)]),
    'puerta_mar': ('puerta_mar', "Suministro comercial hotel",
        'running', 5, [('gas_com', 3100)]),
    'sabor': ('sabor', "Suministro comercial restaurante",
        'running', 11, [('gas_com', 900)]),
    'alianza': ('alianza', "Conexión proyecto Torres de Alameda (240 aptos.)",
        'quotation', 0, [('connection', 240)]),
    'villa_campestre': ('villa_campestre',
        "Suministro comercial áreas comunes", 'draft', 0, [('gas_com', 400)]),
    }

# key: name, compliance target, [(kind, priority, response, response unit,
# answer, answer unit)]
SLAS = {
    'oro': ("Oro industrial", 90, [
            ('complaint', None, 1, 'day', 5, 'day'),
            ('complaint', 'high', 4, 'business_hour', 2, 'day'),
            ('claim', None, 1, 'day', 10, 'day'),
            ('petition', None, 2, 'day', 10, 'day'),
            ]),
    'estandar': ("Comercial estándar", 80, [
            ('complaint', None, 2, 'day', 10, 'day'),
            ('claim', None, 2, 'day', 15, 'day'),
            ('petition', None, 3, 'day', 15, 'day'),
            ]),
    }
# contract key: SLA, account manager, review frequency, next review in days
CONTRACT_SLAS = {
    'textiles': ('oro', 'comercial1', 'monthly', 5),
    'ceramicas': ('oro', 'comercial1', 'quarterly', 12),
    'clinica': ('estandar', 'comercial2', 'monthly', 20),
    'puerta_mar': ('estandar', 'comercial2', 'quarterly', 45),
    'sabor': ('estandar', 'comercial2', 'quarterly', 60),
    }
# contract key, minutes, [(commitment, responsible, due in days, result)]
DEMO_REVIEWS = [
    ('textiles', "El cliente reconoce la mejora en los tiempos de respuesta "
        "pero pide atención a las caídas de presión.", [
            ("Enviar el plan de mantenimiento de la ERM", 'tecnico', -20,
                "Plan enviado por correo al jefe de mantenimiento."),
            ("Instalar registrador de presión", 'tecnico', -3, None),
            ("Presentar propuesta de telemetría", 'comercial1', 10, None),
            ]),
    ('clinica', "Servicio estable; la clínica pide informes mensuales de "
        "consumo.", [
            ("Enviar informe mensual de consumo", 'comercial2', -10,
                "Informe enviado."),
            ("Revisar alarmas de telemetría nocturnas", 'tecnico', 4, None),
            ]),
    ]
# The customers' requirements and expectations (PSC-004): customer, source
# (kind and key), kind, priority, description, who registers it, owner,
# identified and due in days from today, final state, fulfilment or
# rejection reason. Their due dates are far from today or past, so that
# their reminders do not depend on the day of the week.
REQUIREMENTS = [
    ('textiles', ('contract', 'textiles'), 'requirement', 'high',
        "Aviso con 48 horas de anticipación de todo mantenimiento "
        "programado de la ERM", 'comercial1', 'comercial1', -30, 15,
        'accepted', None),
    ('textiles', ('review', 0), 'requirement', 'critical',
        "Presión estable en la ERM durante los cambios de turno",
        'comercial1', 'tecnico', -7, 30, 'accepted', None),
    ('clinica', ('review', 1), 'requirement', 'normal',
        "Informe mensual de consumo por sede en los primeros cinco días "
        "del mes", 'comercial2', 'comercial2', -10, 20, 'met',
        "Informe de consumo por sede enviado al área de servicios generales "
        "el día 3 de cada mes."),
    ('clinica', ('campaign', 0), 'expectation', 'normal',
        "Atención telefónica sin transferencias entre áreas",
        'coordinador', 'coordinador', -20, 45, 'identified', None),
    ('ceramicas', ('meeting', 0), 'expectation', 'low',
        "Factura con el detalle del consumo de cada horno",
        'coordinador', 'comercial1', -20, None, 'rejected',
        "La planta tiene un solo medidor: el detalle por horno requiere "
        "medidores que el contrato no incluye."),
    ('ceramicas', ('case', "Interrupción del suministro sin aviso previo"),
        'requirement', 'high',
        "Aviso de las interrupciones programadas del gasoducto con tres "
        "días de anticipación", 'coordinador', 'comercial1', -14, -5,
        'accepted', None),
    ]
# contract key, kind, values, final state
CHANGE_REQUESTS = [
    ('ceramicas', 'sla', {
            'new_sla': 'estandar',
            'description': "Pasar al ANS comercial estándar",
            'reason': "El cliente reduce la producción del segundo horno.",
            }, 'applied'),
    ('clinica', 'scope', {
            'scope_action': 'add',
            'service': 'erm',
            'description': "Agregar mantenimiento trimestral de la ERM",
            'reason': "Nueva estación de regulación en la torre B.",
            }, 'submitted'),
    ('sabor', 'scope', {
            'scope_action': 'remove',
            'service': 'gas_com',
            'description': "Retirar el suministro del local del centro",
            'reason': "El restaurante cierra esa sede.",
            }, 'draft'),
    ]

# key, name, manager, members, e-mail, assignment method (who takes the
# cases that reach the team without a responsible)
TEAMS = [
    ('service', "Servicio al Cliente", 'coordinador',
        ['agente', 'agente2'], 'servicioalcliente', 'round_robin'),
    ('legal', "Jurídica y Asuntos Regulatorios", 'juridica', ['juridica'],
        'juridica', 'manual'),
    ('subsidies', "Subsidios y Tarifas", 'coordinador', ['agente2'],
        'subsidios', 'manager'),
    ('emergency', "Emergencias", 'tecnico', ['tecnico'], 'emergencias',
        'manager'),
    ('business', "Atención Empresarial", 'coordinador',
        ['agente', 'agente2'], 'empresas', 'least_loaded'),
    ('billing', "Facturación y Recaudo", 'servicio', ['servicio'],
        'facturacion', 'manager'),
    ]

QUALITY_ATTRIBUTES = [
    ('OPO', "Oportunidad"),
    ('AMA', "Amabilidad y trato"),
    ('CLA', "Claridad de la información"),
    ('CON', "Confiabilidad"),
    ('SEG', "Seguridad"),
    ('ACC', "Accesibilidad"),
    ('TAR', "Tarifa y precio"),
    ]
REGULATOR_CLASSIFICATIONS = [
    ('SSPD-101', "Facturación: cobro de consumo"),
    ('SSPD-102', "Facturación: cobros por otros conceptos"),
    ('SSPD-201', "Subsidios y contribuciones"),
    ('SSPD-301', "Suspensión, corte y reconexión"),
    ('SSPD-401', "Revisión periódica de instalaciones internas"),
    ('SSPD-501', "Calidad y continuidad del servicio"),
    ('SSPD-601', "Conexión del servicio"),
    ('SSPD-701', "Atención al usuario"),
    ]

# sequence, name, conditions, results
ROUTING_RULES = [
    (10, "Fugas y olor a gas: emergencia de seguridad", {
            'keywords': "fuga de gas, olor a gas, escape de gas, fuga",
            }, {
            'team': 'emergency', 'responsible': 'tecnico',
            'priority': 'emergency', 'emergency': 'safety',
            'term_duration': 12, 'term_unit': 'hour',
            }),
    (20, "Emergencias de seguridad, salud y ambiente", {
            'priorities': ['emergency'],
            }, {
            'team': 'emergency', 'responsible': 'tecnico',
            'term_duration': 12, 'term_unit': 'hour',
            }),
    (30, "Notificaciones de la Superintendencia a Jurídica", {
            'channels': ['regulator'],
            }, {
            'team': 'legal', 'priority': 'high',
            }),
    (40, "Subsidios y contribuciones", {
            'keywords': "subsidio, contribucion, estrato",
            }, {
            'team': 'subsidies', 'responsible': 'agente2',
            }),
    (50, "Quejas y reclamos de clientes industriales", {
            'kinds': ['complaint', 'claim'],
            'categories': ['industrial'],
            }, {
            'team': 'business', 'priority': 'high',
            }),
    (60, "Felicitaciones a Servicio al Cliente", {
            'kinds': ['compliment'],
            }, {
            'team': 'service', 'responsible': 'agente',
            }),
    (70, "Consultas técnicas sobre revisión periódica", {
            'kinds': ['petition'],
            'services': ['review'],
            }, {
            'team': 'emergency', 'responsible': 'tecnico',
            }),
    ]

# The cases.  Each has: kind (and petition kind), channel, customer, service,
# quality attribute and regulator classification codes, subject,
# description, "ago" (business days before today; or "hours" before now),
# the hour of receipt, the target state and optional steps:
#   by: the user who registers it (default agente)
#   priority/emergency, contact, regref (regulator reference), contract
#   analyse: go through analysis before assigning
#   responsible: set by the coordinator when routing gave none
#   requests: [(user or team:key, question, answer or None, due days)]
#   answer: the answer text; late: answered after the term
#   verbal_answer: answered verbally (in person or by phone cases, which
#   are verbal from their channel)
#   extend: (duration, reason)
#   reopen: reason (answered then reopened, back in analysis)
#   cancel: from which state (draft, registered, assigned, waiting)
#   forward: the key in ORGANISATIONS of the competent organisation
#   (states forwarding and forwarded: the company is not competent)
CASES = [
    # --- draft: received and not registered yet
    dict(kind='petition', petition_kind='information', channel='web',
        customer='villa', service='billing', qa='CLA',
        subject="Solicitud de duplicado de factura de marzo",
        description="Solicito copia de la factura de marzo porque no llegó "
        "al predio. Necesito presentarla en el banco.",
        hours=2, state='draft'),
    dict(kind='suggestion', channel='box', customer='cardenas',
        service='billing', qa='ACC',
        subject="Formulario del buzón: ampliar horario de la oficina",
        description="Formulario recogido en el buzón de la oficina de "
        "Malambo: proponen abrir los sábados en la mañana para pagar la "
        "factura.",
        hours=1, state='draft'),
    dict(kind='complaint', channel='social', customer='mejia',
        service='billing', qa='AMA',
        subject="Mensaje en redes: mala atención en la línea 164",
        description="El usuario escribe en la red social que lo dejaron en "
        "espera 40 minutos y luego se cortó la llamada.",
        hours=3, state='draft'),
    dict(kind='claim', channel='phone', customer='pacheco',
        service='billing', qa='CON',
        subject="Llamada: cobro de reconexión sin haber suspensión",
        description="La usuaria llamó ayer; el radicado quedó en borrador "
        "y no se registró.",
        ago=1, hour=16, state='draft'),
    dict(kind='compliment', channel='box', customer='ospina',
        service='review', qa='AMA',
        subject="Formulario del buzón: felicitación al lector de medidores",
        description="Formulario recogido hoy en el buzón de la oficina "
        "principal: felicitan al lector del barrio Rebolo por su amabilidad.",
        hours=2, state='draft'),

    # --- registered: waiting for analysis
    dict(kind='petition', petition_kind='general', channel='email',
        customer='barrios', service='connection', qa='CLA',
        subject="Requisitos para conectar un apartamento nuevo",
        description="Compré un apartamento en El Rodadero y quiero saber "
        "qué documentos necesito para la conexión del gas.",
        ago=1, hour=9, state='registered'),
    dict(kind='claim', channel='in_person', customer='ospina',
        service='gas_res', qa='CON',
        subject="Consumo facturado muy alto en el último periodo",
        description="La factura llegó por 48 m³ cuando normalmente consumo "
        "15 m³. Vivo sola y no he cambiado los gasodomésticos.",
        ago=2, hour=10, state='registered'),
    dict(kind='complaint', channel='chat', customer='sabor',
        service='gas_com', qa='OPO', contract='sabor',
        subject="El técnico no llegó a la visita programada",
        description="Teníamos visita a las 8:00 para revisar la presión y "
        "nadie llegó ni avisó. Tuvimos que cerrar la cocina una hora.",
        hours=5, state='registered'),
    dict(kind='petition', petition_kind='information', channel='regulator',
        customer='mejia', service='billing', qa='CLA', rc='SSPD-102',
        regref='20255290451872',
        subject="Traslado SSPD: solicitud de soporte de cobros adicionales",
        description="La Superintendencia traslada la petición del usuario, "
        "que pide los soportes de los cobros por otros conceptos de los "
        "últimos seis meses.",
        ago=1, hour=11, state='registered'),
    dict(kind='compliment', channel='web', customer='clinica',
        service='emergency', qa='OPO',
        subject="Felicitación por la atención nocturna",
        description="Agradecemos al equipo de emergencias que atendió el "
        "aviso a las 2 a. m.: llegaron en 20 minutos y fueron muy "
        "profesionales.",
        hours=4, state='registered'),

    # --- in analysis
    dict(kind='petition', petition_kind='consultation', channel='email',
        customer='alianza', service='connection', qa='CLA',
        subject="Consulta sobre normas de diseño de redes internas",
        description="Para el proyecto Torres de Alameda necesitamos conocer "
        "los requisitos de ventilación y ubicación de medidores que exige "
        "la empresa.",
        ago=8, hour=14, state='analysis'),
    dict(kind='claim', channel='phone', customer='barrios',
        service='review', qa='TAR',
        subject="Cobro de revisión periódica no realizada",
        description="En la factura aparece el cobro de la revisión "
        "periódica pero nadie vino a hacerla.",
        ago=5, hour=15, state='analysis'),
    dict(kind='complaint', channel='in_person', customer='villa',
        service='billing', qa='AMA',
        subject="Trato descortés en la oficina de Valledupar",
        description="El asesor de la ventanilla 3 no quiso recibir la "
        "carta y me respondió de mala manera.",
        ago=3, hour=11, state='analysis'),
    dict(kind='suggestion', channel='web', customer='espiga',
        service='billing', qa='ACC',
        subject="Factura electrónica con detalle de consumo diario",
        description="Sugerimos enviar la factura electrónica con la curva "
        "de consumo para controlar los hornos.",
        ago=4, hour=9, state='analysis'),
    dict(kind='petition', petition_kind='general', channel='phone',
        customer='cardenas', service='billing', qa='CLA',
        subject="No aparece el subsidio en la factura",
        description="Soy estrato 1 y este mes la factura no trae el "
        "descuento del subsidio. Pido que lo revisen.",
        ago=6, hour=10, state='analysis'),
    dict(kind='claim', channel='email', customer='pacheco',
        service='financing', qa='CON',
        subject="Cuota de financiación cobrada dos veces",
        description="Me cobraron dos veces la cuota de la estufa en la "
        "misma factura.",
        ago=12, hour=8, state='analysis', answer="Revisamos su cuenta: "
        "la segunda cuota corresponde al mes anterior, que quedó pendiente.",
        reopen="La usuaria aportó el comprobante del pago del mes anterior:"
        " se revisa de nuevo."),
    dict(kind='compliment', channel='email', customer='textiles',
        service='erm', qa='CON', contract='textiles',
        subject="Reconocimiento por la campaña de seguridad en planta",
        description="La jefatura de mantenimiento agradece la capacitación "
        "en seguridad con gas dada a sus operarios; piden extenderla a los "
        "contratistas.",
        ago=2, hour=11, state='analysis'),

    # --- assigned
    dict(kind='petition', petition_kind='general', channel='email',
        customer='ospina', service='gas_res', qa='OPO',
        subject="Cambio del medidor dañado",
        description="El medidor tiene el vidrio roto y no se leen los "
        "números. Solicito el cambio.",
        ago=20, hour=9, state='assigned', analyse=True),
    dict(kind='claim', channel='web', customer='espiga', service='gas_com',
        qa='CON',
        subject="Baja presión en horas de la mañana",
        description="Entre las 5:00 y las 7:00 la presión baja y los hornos "
        "no alcanzan temperatura.",
        ago=14, hour=7, state='assigned'),
    dict(kind='complaint', channel='phone', customer='mejia',
        service='review', qa='AMA',
        subject="El contratista de revisión dejó sucio el predio",
        description="Después de la revisión periódica dejaron escombros en "
        "la cocina y no se despidieron.",
        ago=3, hour=16, state='assigned', analyse=True),
    dict(kind='claim', channel='regulator', customer='barrios',
        service='billing', qa='CON', rc='SSPD-101',
        regref='20255290398115',
        subject="Traslado SSPD: reclamo por consumo estimado",
        description="La Superintendencia traslada el reclamo del usuario por "
        "facturación con consumo estimado durante tres periodos.",
        ago=17, hour=10, state='assigned'),
    dict(kind='petition', petition_kind='information', channel='email',
        customer='clinica', service='telemetry', qa='CLA',
        contract='clinica',
        subject="Reporte de consumos por hora del último trimestre",
        description="Requerimos el reporte de la telemetría por hora para "
        "la auditoría de la Secretaría de Salud.",
        ago=9, hour=15, state='assigned'),
    dict(kind='claim', channel='phone', customer='ceramicas',
        service='gas_ind', qa='CON', contract='ceramicas',
        subject="Interrupción del suministro sin aviso previo",
        description="El suministro se interrumpió cuatro horas y se "
        "perdió una hornada completa.",
        ago=14, hour=13, state='assigned', extend=(10,
            "Se requiere el informe del transportador del gasoducto sobre la "
            "interrupción, que llega en 8 días hábiles.")),
    dict(kind='complaint', channel='in_person', customer='textiles',
        service='erm', qa='OPO', contract='textiles', by='comercial1',
        subject="Mantenimiento de la ERM aplazado tres veces",
        description="En la revisión del servicio con el cliente se planteó "
        "que el mantenimiento trimestral se ha aplazado tres veces.",
        ago=2, hour=15, state='assigned'),
    dict(kind='claim', channel='phone', customer='ospina',
        service='emergency', qa='SEG',
        subject="Fuerte olor a gas en la cocina",
        description="La usuaria reporta olor a gas cerca del calentador; "
        "posible fuga en la conexión.",
        hours=3, state='assigned'),
    dict(kind='complaint', channel='phone', customer='clinica',
        service='gas_com', qa='SEG', contract='clinica',
        priority='emergency', emergency='health',
        subject="Monóxido en el área de lavandería",
        description="El detector de monóxido de la lavandería se activó dos "
        "veces; se evacuó el área por precaución.",
        ago=1, hour=10, state='assigned'),
    dict(kind='claim', channel='email', customer='villa_campestre',
        service='gas_com', qa='SEG', priority='emergency',
        emergency='environment',
        subject="Venteo de gas en la red de áreas comunes",
        description="Los vecinos reportan venteo de gas junto al lago del "
        "conjunto después de una obra de la constructora.",
        hours=6, state='assigned'),

    # --- waiting for information
    dict(kind='claim', channel='in_person', customer='mejia',
        service='billing', qa='CON',
        subject="Pago realizado no aplicado a la factura",
        description="Pagué en el corresponsal bancario el día 5 y la "
        "factura siguiente trae el saldo como vencido.",
        ago=10, hour=9, state='waiting',
        requests=[('servicio', "Confirmar si el pago del corresponsal "
            "llegó y por qué no se aplicó.", None, 3)]),
    dict(kind='claim', channel='regulator', customer='pacheco',
        service='review', qa='TAR', rc='SSPD-401',
        regref='20255290377402',
        subject="Traslado SSPD: suspensión por revisión periódica",
        description="La SSPD traslada el reclamo de la usuaria, a quien "
        "suspendieron el servicio por no tener el certificado de revisión "
        "aunque dice haberlo enviado.",
        ago=12, hour=11, state='waiting',
        requests=[
            ('team:billing', "Fecha en la que se registró el certificado "
                "de revisión y estado de la cuenta.", "El certificado se "
                "registró 2 días después de la suspensión.", 2),
            ('tecnico', "Plan de acción para la reconexión inmediata.",
                None, 1),
            ]),
    dict(kind='petition', petition_kind='consultation', channel='email',
        customer='textiles', service='gas_ind', qa='CLA',
        contract='textiles',
        subject="Consulta sobre cambio a tarifa de mercado no regulado",
        description="Queremos conocer las condiciones para pasar al "
        "mercado no regulado y el impacto en el contrato.",
        ago=18, hour=14, state='waiting',
        requests=[('comercial1', "Propuesta comercial para mercado no "
            "regulado con las condiciones del contrato actual.", None,
            -2)]),
    dict(kind='complaint', channel='chat', customer='puerta_mar',
        service='gas_com', qa='OPO', contract='puerta_mar',
        subject="No responden las solicitudes por chat",
        description="Hemos escrito tres veces por el chat sobre el cambio "
        "de medidor y nadie responde.",
        ago=7, hour=12, state='waiting',
        requests=[('team:emergency', "Estado de la orden de cambio de "
            "medidor del hotel.", None, 4)]),
    dict(kind='claim', channel='web', customer='ospina', service='billing',
        qa='TAR',
        subject="Me quitaron el subsidio sin explicación",
        description="Desde hace dos meses la factura no trae el subsidio "
        "del estrato 2.",
        ago=25, hour=9, state='waiting',
        requests=[('team:billing', "Verificar el estrato registrado y "
            "la novedad que retiró el subsidio.", None, -5)]),

    # --- answered (waiting to be closed)
    dict(kind='petition', petition_kind='general', channel='web',
        customer='espiga', service='connection', qa='OPO',
        subject="Ampliación de la acometida para un horno nuevo",
        description="Instalaremos un horno adicional y necesitamos saber si "
        "la acometida soporta el consumo.",
        ago=6, hour=10, state='answered',
        answer="La acometida actual soporta hasta 18 m³/h; con el horno "
        "nuevo el consumo estimado es 14 m³/h. No requiere ampliación."),
    dict(kind='claim', channel='phone', customer='barrios',
        service='billing', qa='CON',
        subject="Cobro de intereses de mora habiendo pagado a tiempo",
        description="Pagué antes de la fecha límite y me cobraron "
        "intereses.",
        ago=22, hour=9, state='answered', late=True,
        answer="Se verificó el pago dentro del plazo; los intereses se "
        "anulan en la próxima factura.",
        check='no_answer', call_notes="Timbra y no contestan."),
    dict(kind='complaint', channel='email', customer='sabor',
        service='billing', qa='AMA', contract='sabor',
        subject="El gestor de cobro fue grosero",
        description="El gestor que visitó el restaurante amenazó con cortar "
        "el servicio delante de los clientes.",
        ago=9, hour=15, state='answered',
        answer="Presentamos excusas; el gestor fue citado y reforzamos el "
        "protocolo de visitas de cobro.",
        check='not_satisfied', call_notes="El cliente pide que el gestor "
        "no vuelva a visitar el restaurante."),
    dict(kind='complaint', channel='phone', customer='mejia',
        service='billing', qa='AMA',
        subject="Le colgaron la llamada en la línea 164",
        description="El asesor colgó la llamada mientras el usuario "
        "explicaba su caso.",
        ago=3, hour=10, state='answered',
        answer="Ofrecemos excusas; revisamos la grabación y el asesor "
        "recibió retroalimentación."),
    dict(kind='claim', channel='phone', customer='cardenas',
        service='subsidy', qa='CON',
        subject="Subsidio de estrato 1 no aplicado en la factura",
        description="La factura del mes no trae el descuento del subsidio.",
        ago=30, hour=9, state='answered',
        answer="El subsidio se aplicó de nuevo y se abona en la próxima "
        "factura."),
    dict(kind='claim', channel='in_person', customer='ospina',
        service='subsidy', qa='CON',
        subject="Cobro de contribución a un predio de estrato 2",
        description="Me cobraron contribución como si fuera estrato 5.",
        ago=34, hour=11, state='answered', verbal_answer=True,
        answer="Se corrigió el estrato registrado y se anuló la "
        "contribución cobrada."),
    dict(kind='claim', channel='email', customer='pacheco',
        service='subsidy', qa='CON',
        subject="Subsidio retirado sin aviso",
        description="Desde hace un mes no aparece el subsidio en mi "
        "factura.",
        ago=38, hour=15, state='answered',
        answer="El subsidio se había retirado por una novedad de la "
        "alcaldía; se restableció con la certificación que aportó."),
    dict(kind='petition', petition_kind='general', channel='regulator',
        customer='cardenas', service='billing', qa='CLA', rc='SSPD-201',
        regref='20255290366519',
        subject="Traslado SSPD: aplicación del subsidio de estrato 1",
        description="La Superintendencia traslada la petición de la "
        "usuaria sobre el subsidio no aplicado.",
        ago=11, hour=8, state='answered',
        answer="El subsidio se aplicó de nuevo desde este periodo y se "
        "abonan los dos meses no descontados. Se cargó la respuesta en el "
        "SUI con el certificado."),
    dict(kind='suggestion', channel='box', customer='cardenas',
        service='financing', qa='ACC',
        subject="Formulario del buzón: más plazo en la financiación",
        description="Proponen financiar gasodomésticos a 48 meses.",
        ago=5, hour=16, state='answered',
        answer="Gracias por su propuesta: la trasladamos al comité de "
        "productos, que la estudiará en la próxima revisión de planes."),

    # --- not competent (Ley 1755 de 2015, art. 21): to forward, forwarded
    dict(kind='petition', petition_kind='general', channel='email',
        customer='villa', service='billing', qa='CLA',
        subject="Cambio del medidor de energía del predio",
        description="Solicito el cambio del medidor de energía eléctrica "
        "de mi casa, que marca más de lo que consumo.",
        ago=1, hour=9, state='forwarding'),
    dict(kind='petition', petition_kind='general', channel='web',
        customer='cardenas', service='billing', qa='CLA',
        subject="Fuga de agua en la acometida del acueducto",
        description="Hace una semana hay una fuga de agua en la acometida "
        "del acueducto frente a mi casa y se pierde mucha agua.",
        ago=4, hour=11, state='forwarded', forward='acueducto'),

    # --- closed
    dict(kind='compliment', channel='in_person', customer='ospina',
        service='review', qa='AMA',
        subject="Felicitación al técnico de la revisión periódica",
        description="El técnico explicó cada punto de la revisión y dejó "
        "todo limpio.",
        ago=15, hour=11, state='closed'),
    dict(kind='compliment', channel='social', customer='puerta_mar',
        service='gas_com', qa='OPO', contract='puerta_mar',
        subject="Reconocimiento por el cambio de red sin suspender",
        description="El cambio de red del hotel se hizo de noche sin "
        "afectar a los huéspedes.",
        ago=30, hour=9, state='closed'),
    dict(kind='compliment', channel='box', customer='villa',
        service='billing', qa='AMA',
        subject="Formulario del buzón: excelente atención en la oficina",
        description="Felicitan a la asesora de la ventanilla 1 por su "
        "paciencia.",
        ago=4, hour=10, state='closed'),
    dict(kind='petition', petition_kind='information', channel='email',
        customer='ceramicas', service='gas_ind', qa='CLA',
        contract='ceramicas',
        subject="Certificado de consumo para la DIAN",
        description="Necesitamos el certificado anual de consumo de gas.",
        ago=40, hour=10, state='closed',
        answer="Adjuntamos el certificado de consumo del año gravable."),
    dict(kind='petition', petition_kind='general', channel='phone',
        customer='pacheco', service='financing', qa='OPO',
        subject="Paz y salvo de la financiación de la estufa",
        description="Terminé de pagar la estufa y necesito el paz y salvo.",
        ago=26, hour=14, state='closed',
        answer="Se expidió el paz y salvo y se envió al correo registrado."),
    dict(kind='claim', channel='in_person', customer='villa',
        service='gas_res', qa='CON',
        subject="Medidor registra consumo con las llaves cerradas",
        description="Con todas las llaves cerradas el medidor sigue "
        "girando.",
        ago=35, hour=9, state='closed',
        requests=[('tecnico', "Visita técnica para prueba de "
            "hermeticidad.", "Se encontró una fuga en la válvula del "
            "calentador; se reparó y se refacturó el periodo.", 5)],
        answer="La visita encontró una fuga en la válvula del calentador; "
        "se reparó y se ajustó la factura del periodo.",
        check='satisfied', call_notes="La usuaria confirma que el medidor "
        "ya no gira y agradece la visita."),
    dict(kind='complaint', channel='web', customer='espiga',
        service='billing', qa='OPO',
        subject="La factura llega después de la fecha límite",
        description="Las últimas tres facturas llegaron con la fecha límite "
        "vencida.",
        ago=45, hour=8, state='closed',
        answer="Se corrigió la ruta de reparto y se activó el envío de la "
        "factura electrónica.",
        check='not_contacted'),
    dict(kind='complaint', channel='in_person', customer='barrios',
        service='review', qa='AMA',
        subject="El técnico llegó tres horas tarde a la revisión",
        description="Pedí permiso en el trabajo y el técnico llegó a las "
        "cuatro de la tarde.",
        ago=28, hour=16, state='closed',
        answer="Ofrecemos excusas; ajustamos la programación de las "
        "visitas para avisar los retrasos por mensaje de texto.",
        check='not_satisfied', follow_up='closed',
        call_notes="Sigue inconforme, pero no pide nada más."),
    dict(kind='suggestion', channel='social', customer='mejia',
        service='billing', qa='ACC',
        subject="Pagar la factura desde la aplicación del banco",
        description="Sería útil poder pagar con un código QR.",
        ago=50, hour=17, state='closed',
        answer="Desde este mes la factura trae código QR para pago en "
        "línea."),
    dict(kind='claim', channel='regulator', customer='ospina',
        service='billing', qa='CON', rc='SSPD-301',
        regref='20255290211034',
        subject="Traslado SSPD: corte del servicio con factura pagada",
        description="La SSPD traslada el reclamo por corte del servicio "
        "teniendo la factura al día.",
        ago=38, hour=10, state='closed',
        answer="Se reconectó el servicio el mismo día sin costo y se "
        "respondió a la Superintendencia con el certificado de respuesta."),
    dict(kind='complaint', channel='phone', customer='ceramicas',
        service='erm', qa='OPO', contract='ceramicas', by='comercial1',
        subject="Demora en la entrega del informe de mantenimiento",
        description="El informe del mantenimiento de la ERM se entregó un "
        "mes tarde.",
        ago=55, hour=11, state='closed', late=True,
        answer="Se entregó el informe y se acordó entregarlo en 5 días "
        "hábiles después de cada mantenimiento.",
        check='refused', call_notes="El jefe de mantenimiento no quiso "
        "responder la encuesta."),

    # --- cancelled
    dict(kind='complaint', channel='chat', customer='mejia',
        service='billing', qa='AMA',
        subject="Duplicado: mala atención en la línea 164",
        description="Registro duplicado del mismo mensaje del usuario.",
        ago=2, hour=9, state='cancelled', cancel='registered'),
    dict(kind='petition', petition_kind='general', channel='web',
        customer='barrios', service='gas_res', qa='CLA',
        subject="Formulario web de prueba",
        description="Prueba del formulario web.",
        ago=3, hour=12, state='cancelled', cancel='draft'),
    dict(kind='claim', channel='email', customer='sabor',
        service='gas_com', qa='TAR', contract='sabor',
        subject="Cobro de reconexión",
        description="El cliente desiste del reclamo: el cobro era "
        "correcto.",
        ago=8, hour=10, state='cancelled', cancel='waiting',
        requests=[('servicio', "Detalle del cobro de reconexión.", None,
            3)]),

    # --- incomplete requests (Ley 1755 de 2015, art. 17): one waiting for
    # the customer, one the customer completed
    dict(kind='petition', petition_kind='information', channel='email',
        customer='ospina', service='billing', qa='CON',
        subject="Copia de los contratos de condiciones uniformes firmados",
        description="Solicito copia del contrato firmado cuando se "
        "instaló el servicio en la casa de mi mamá.",
        ago=4, hour=10, state='customer',
        ask="Para entregar la copia necesitamos la autorización firmada "
        "por la titular del contrato y la copia de su cédula."),
    dict(kind='petition', petition_kind='general', channel='web',
        customer='mejia', service='billing', qa='CON',
        subject="Cambio del titular de la factura",
        description="Compré la casa y quiero que la factura salga a mi "
        "nombre.",
        ago=5, hour=15, state='assigned',
        ask="Envíenos el certificado de tradición y libertad del inmueble "
        "con fecha de expedición no mayor a 30 días.",
        resume=True),
    ]


# Market segments: key, name, description, criteria
SEGMENTS = [
    ('industrial', "Industriales con suministro de gas",
        "Grandes consumidores con contrato de suministro industrial: "
        "hornos, calderas y procesos continuos; la continuidad y la presión "
        "son lo que más valoran.",
        dict(categories=['industrial', 'key_account'], services=['gas_ind'])),
    ('commercial_atl', "Comercios del área metropolitana de Barranquilla",
        "Restaurantes, panaderías, clínicas y conjuntos del área "
        "metropolitana; sensibles a las interrupciones en horas de servicio.",
        dict(categories=['commercial'],
            cities="Barranquilla, Soledad, Puerto Colombia, Malambo")),
    ('residential_low', "Hogares de estratos 1 y 2",
        "Usuarios residenciales con subsidio; su experiencia depende de la "
        "factura y de la atención en oficinas.",
        dict(categories=['stratum1', 'stratum2'])),
    ('allies', "Aliados estratégicos",
        "Constructoras y aliados excluidos de las encuestas de satisfacción.",
        dict(parties=['alianza'])),
    ('colombia', "Todos los clientes en Colombia",
        "Todos los clientes con una dirección en Colombia.",
        dict(countries=True)),
    ]

# Improvement actions, one or more in every state; lines: (activity,
# objective, responsible or None, channel, frequency, budget, indicator,
# target, due in business days from today, final state, result)
ACTIONS = [
    dict(case="El técnico no llegó a la visita programada", kind='corrective',
        state='draft', responsible='agente', ago=2, due=20,
        root_cause="La agenda de visitas no tiene en cuenta los tiempos de "
        "desplazamiento entre municipios.",
        lines=[
            ("Reprogramar la agenda de visitas por zonas",
                "Cumplir las visitas programadas", 'tecnico', None, 'once',
                Decimal('0'), "Visitas cumplidas / programadas", "95 %", 10,
                'to_do', None),
            ]),
    dict(case="Trato descortés en la oficina de Valledupar",
        kind='corrective', state='waiting', responsible='agente', ago=4,
        due=25,
        root_cause="El personal nuevo de la oficina no recibió la inducción "
        "en protocolo de atención.",
        lines=[
            ("Taller de protocolo de atención para la oficina de Valledupar",
                "Atención cordial y completa", 'coordinador', 'in_person',
                'once', Decimal('1800000'), "Asesores capacitados", "100 %",
                8, 'to_do', None),
            ("Visita de seguimiento con cliente incógnito",
                "Verificar la aplicación del protocolo", 'agente',
                'in_person', 'monthly', Decimal('350000'),
                "Calificación del cliente incógnito", "≥ 4,5 / 5", 18,
                'to_do', None),
            ]),
    dict(title="Programa de fidelización de industriales", kind='loyalty',
        segment='industrial', state='approved', responsible='comercial1',
        by='coordinador', ago=6, due=60,
        description="Estrategia de relacionamiento con los grandes "
        "consumidores para asegurar la renovación de sus contratos.",
        answers=('yes', 'yes', 'yes', 'yes'),
        lines=[
            ("Revisión trimestral del servicio con cada cliente",
                "Anticipar necesidades de capacidad", 'comercial1',
                'in_person', 'quarterly', Decimal('2400000'),
                "Revisiones realizadas", "4 por cliente al año", 1,
                'to_do', None),
            ("Boletín técnico de eficiencia energética",
                "Aportar valor más allá del suministro", 'tecnico', 'email',
                'monthly', Decimal('600000'), "Boletines enviados",
                "12 al año", 30, 'to_do', None),
            ]),
    dict(title="Línea gratuita de atención exclusiva para comercios",
        kind='loyalty', segment='commercial_atl', state='rejected',
        responsible='agente', by='coordinador', ago=10, due=40,
        description="Abrir una línea telefónica exclusiva para los "
        "comercios del área metropolitana.",
        answers=('yes', 'no', 'no', 'yes'),
        lines=[
            ("Contratar la línea y el personal", "Atención preferente",
                'coordinador', 'phone', 'once', Decimal('45000000'),
                "Llamadas atendidas en menos de 20 s", "90 %", 20, 'to_do',
                None),
            ]),
    dict(case="Baja presión en horas de la mañana", kind='corrective',
        state='processing', responsible='tecnico', ago=12, due=8,
        root_cause="El regulador del sector quedó subdimensionado tras la "
        "conexión de nuevos usuarios.",
        answers=('yes', 'yes', 'yes', 'yes'),
        lines=[
            ("Medir la presión en el sector durante una semana",
                "Confirmar el diagnóstico", 'tecnico', None, 'daily',
                Decimal('800000'), "Registros de presión", "7 días", -3,
                'done', "La presión cae a 14 mbar entre las 6 y las 8."),
            ("Cambiar el regulador del sector", "Presión estable",
                'tecnico', None, 'once', Decimal('12500000'),
                "Presión mínima en hora pico", "≥ 18 mbar", -1, 'to_do',
                None),
            ("Informar a los usuarios del sector", "Evitar nuevos reclamos",
                None, 'email', 'once', Decimal('0'), "Usuarios informados",
                "100 %", 2, 'to_do', None),
            ]),
    dict(case="La factura llega después de la fecha límite",
        kind='preventive', state='done', responsible='servicio', ago=30,
        due=-2,
        root_cause="El operador de reparto entrega por rutas semanales.",
        answers=('yes', 'yes', 'yes', 'yes'),
        effectiveness_pending=True,
        lines=[
            ("Adelantar la emisión de facturas tres días",
                "Facturas a tiempo", 'servicio', None, 'monthly',
                Decimal('0'), "Facturas entregadas antes del límite",
                "98 %", -10, 'done', "Emisión adelantada desde el ciclo 3."),
            ("Ofrecer la factura electrónica", "Menos dependencia del papel",
                'servicio', 'email', 'once', Decimal('1200000'),
                "Usuarios con factura electrónica", "30 %", -5, 'cancelled',
                "Se hará en el proyecto de factura electrónica."),
            ]),
    dict(case="Cuota de financiación cobrada dos veces", kind='corrective',
        state='checked', effectiveness='effective', responsible='servicio',
        ago=45, due=-15,
        root_cause="El proceso de recaudo no validaba pagos duplicados del "
        "mismo periodo.",
        answers=('yes', 'yes', 'yes', 'yes'),
        notes="Ningún cobro duplicado en los dos ciclos siguientes.",
        lines=[
            ("Validar duplicados en el proceso de recaudo",
                "Cero cobros duplicados", 'servicio', None, 'once',
                Decimal('3000000'), "Cobros duplicados", "0", -20, 'done',
                "Validación en producción."),
            ]),
    dict(case="El contratista de revisión dejó sucio el predio",
        kind='improvement', state='checked', effectiveness='not_effective',
        responsible='agente', ago=40, due=-10,
        root_cause="El contrato de revisión no exige orden y aseo.",
        answers=('yes', 'yes', 'no', 'yes'),
        justification="La comunicación por correo llega solo a una parte "
        "de los usuarios, pero es el canal disponible.",
        notes="Llegaron dos quejas nuevas por el mismo motivo.",
        lines=[
            ("Incluir orden y aseo en el contrato de revisión",
                "Predios limpios tras la visita", 'juridica', None, 'once',
                Decimal('0'), "Quejas por aseo", "0", -15, 'done',
                "Cláusula incluida."),
            ("Enviar a los usuarios la guía de la visita",
                "Usuarios informados", 'agente', 'email', 'once',
                Decimal('250000'), "Guías enviadas", "100 %", -12, 'done',
                "Enviada a 1.240 usuarios."),
            ]),
    dict(title="Encuesta telefónica a todos los usuarios", kind='improvement',
        state='cancelled', responsible='agente', by='coordinador', ago=15,
        due=30,
        description="Reemplazada por la campaña anual de satisfacción.",
        lines=[
            ("Llamar a todos los usuarios", "Medir la satisfacción",
                'agente', 'phone', 'once', Decimal('9000000'),
                "Usuarios encuestados", "100 %", 20, 'to_do', None),
            ]),
    ]


# The questions of the demo questionnaire: (section, text, type, required,
# choices)
SURVEY_QUESTIONS = [
    ("Servicio", "¿Qué tan satisfecho está con nuestro servicio?", 'rating',
        True, []),
    ("Servicio", "¿Qué tan probable es que nos recomiende a un amigo o "
        "colega?", 'nps', True, []),
    ("Atención", "¿Resolvimos sus solicitudes a tiempo?", 'yes_no', True, []),
    ("Atención", "¿Por qué medio prefiere que lo contactemos?", 'single',
        False, ["Teléfono", "Correo electrónico", "Visita"]),
    ("Atención", "¿Qué aspectos valora más?", 'multiple', False,
        ["Continuidad del suministro", "Factura clara", "Atención amable"]),
    ("Comentarios", "¿Qué podríamos mejorar?", 'text', False, []),
    ]
SURVEY_COMMENTS = [
    "Que las visitas técnicas lleguen a la hora acordada.",
    "La factura debería explicar mejor los subsidios.",
    "Muy buena atención en la oficina de Soledad.",
    "Avisar con más tiempo los cortes programados.",
    ]

GROUPS = {
    'group_customer_care': "Customer Care",
    'group_customer_care_admin': "Customer Care Administration",
    'group_account_manager': "Account Manager",
    }


@dataclasses.dataclass
class Demo:
    """The demo being built: its proteus config, the day it is built on and
    the records of each section that later sections need (filled by
    create_demo as the sections return them)"""
    config: object
    today: dt.date
    # The local time the cases' receipt counts back from
    now_local: dt.datetime
    admin_id: int
    admin_context: dict
    verbose: bool = False
    started: float = dataclasses.field(default_factory=time.monotonic)
    spanish: object = None
    colombia: object = None
    subdivisions: dict = None
    company: object = None
    calendar: BusinessCalendar = None
    users: dict = None
    employees: dict = None
    teams: dict = None
    quality_attributes: dict = None
    regulator_classifications: dict = None
    categories: dict = None
    customers: dict = None
    recurrences: dict = None
    services: dict = None
    subscription_services: dict = None
    contracts: dict = None
    slas: dict = None
    sample_rule: object = None
    cases: list = None
    history: list = None
    segments: dict = None
    actions: list = None
    reviews: list = None
    campaigns: list = None
    inbox: object = None
    web_form_cases: list = None

    def log(self, message):
        if self.verbose:
            print(f'[{time.monotonic() - self.started:6.1f}s] {message}',
                flush=True)

    def model(self, name):
        """Return the proteus model name as the administrator sees it.

        Proteus gives a model the fields that the user who gets it may read
        and keeps it for that user: the demo creates, reads again and links
        its records with all their fields whoever it acts as, except where it
        takes user_model."""
        config = self.config
        user, context = config.user, config._context
        config.user, config._context = self.admin_id, self.admin_context
        try:
            return Model.get(name, config=config)
        finally:
            config.user, config._context = user, context

    def user_model(self, name):
        "Return the proteus model name as the current user sees it"
        return Model.get(name, config=self.config)

    def as_user(self, login):
        "Act as the demo user login (or the administrator, 'admin')"
        _set_user(self.config,
            self.admin_id if login == 'admin' else self.users[login].id)

    def user(self, login):
        "Return a new instance of the user login, to add to a record"
        return _fresh(self.users[login])

    def records(self):
        "Return the created records by kind, for the tests and the summary"
        return {
            'company': self.company,
            'users': self.users,
            'teams': self.teams,
            'customers': self.customers,
            'services': self.services,
            'contracts': self.contracts,
            'cases': [_fresh(c) for c in self.cases],
            'history': self.history,
            'segments': self.segments,
            'actions': [_fresh(a) for a in self.actions],
            'campaigns': self.campaigns,
            'rounds': [_fresh(r) for r in self.rounds],
            }


def create_demo(config, today=None, load_translations=True,
        run_reminders=True, verbose=False):
    """Fill the database of config (a proteus config, as admin) with the demo.

    Return a dict of the created records by kind, for the tests and the
    summary.  today is the local date the demo is built on (default: today in
    Bogotá).
    """
    demo = _new_demo(config, today, verbose)

    demo.log("language, country, currency and company")
    demo.spanish = _setup_language(demo, 'es', load_translations)
    demo.colombia, demo.subdivisions = _setup_country(demo)
    demo.company = _create_company(demo, _setup_currency(demo))
    _register_crons(demo)
    demo.calendar = _create_holidays(demo)

    demo.log("users and employees")
    demo.users, demo.employees = _create_users(demo)
    _employ_administrator(demo)

    demo.log("teams, classifications, routing rules and settings")
    demo.teams = _create_teams(demo)
    demo.quality_attributes = _create_by_code(
        demo, 'customer_care.quality_attribute', QUALITY_ATTRIBUTES)
    demo.regulator_classifications = _create_by_code(
        demo, 'customer_care.regulator_classification',
        REGULATOR_CLASSIFICATIONS)
    _configure(demo)
    demo.regulator_layout = _create_regulator_layout(demo)

    demo.log("customers")
    demo.categories = _create_categories(demo)
    demo.customers = _create_customers(demo)

    demo.log("services and contracts")
    demo.recurrences = _create_recurrences(demo)
    demo.services, demo.subscription_services = _create_services(demo)
    demo.contracts = _create_contracts(demo)

    # SLAs on the running contracts, before their cases are received
    demo.log("service level agreements")
    demo.slas = _create_slas(demo)
    _agree_slas(demo)
    _create_routing_rules(demo)
    demo.sample_rule = _create_satisfaction_sample_rule(demo)

    # The closed cases of the past quarters first: their numbers come
    # before those of the recent cases
    demo.log("cases of the past quarters")
    demo.history = _create_history(demo)

    # Cases: created and driven through the workflow by their users
    demo.log("cases")
    demo.cases = _receive_cases(demo)
    _coordinate_cases(demo)
    _respond_cases(demo)
    _ask_customers(demo)
    _answer_information_requests(demo)
    _respond_informed_cases(demo)
    demo.organisations = _forward_cases(demo)

    demo.log("web form")
    demo.web_form_cases = _file_web_form_cases(demo, _open_web_form(demo))

    demo.log("satisfaction checks")
    _call_satisfaction_checks(demo)
    _close_cases(demo)
    _backdate_answers(demo)
    _draw_satisfaction_samples(demo)

    demo.log("segments and improvement actions")
    demo.segments = _create_segments(demo)
    demo.actions = _create_improvement_actions(demo)
    _approve_improvement_actions(demo)
    _carry_out_improvement_actions(demo)
    _check_improvement_actions(demo)

    demo.log("service reviews")
    demo.reviews = [_hold_service_review(demo, *review)
        for review in DEMO_REVIEWS]
    _register_review_deviation(demo)
    _run_cron(demo, 'sale.subscription|create_reviews')
    # An SLA change applied, a scope change submitted, a draft
    for change_request in CHANGE_REQUESTS:
        _request_change(demo, *change_request)
    demo.as_user('admin')

    demo.log("satisfaction surveys")
    demo.campaigns = _create_surveys(demo)

    demo.log("suggestion boxes and their collection rounds")
    demo.rounds = _collect_suggestion_boxes(demo)

    demo.log("customer requirements")
    demo.requirements = [_register_requirement(demo, *requirement)
        for requirement in REQUIREMENTS]
    demo.as_user('admin')

    demo.log("indicators and their snapshots")
    demo.indicators = _create_indicators(demo)
    demo.management_review = _prepare_management_review(demo)

    # The scheduled reminders, run yesterday and today
    if run_reminders:
        demo.log("reminders")
        _send_reminders_yesterday(demo)
        _run_cron(demo, 'customer_care.reminder|send_reminders')
        _run_cron(demo, 'customer_care.suggestion_box|send_round_reminders')

    # After the reminders: their counts stay those of the cases above
    demo.log("e-mail intake")
    demo.inbox = _receive_emails(demo)
    # Last: the inbox may come from the e-mail intake's part of the demo
    demo.log("IMAP mailbox of the inbox")
    _configure_inbox_imap(demo)

    _finish(demo)
    demo.log("done")
    return demo.records()


# --- Helpers -----------------------------------------------------------------

def _group(config, fs_id):
    "Return the group of customer_care with the XML id fs_id"
    Group = Model.get('res.group', config=config)
    with config.set_context(language='en'):
        group, = Group.find([('name', '=', GROUPS[fs_id])])
    return group


def _set_user(config, user_id):
    "Act as the user from now on (proteus runs in-process)"
    User = Model.get('res.user', config=config)
    config.user = int(user_id)
    config._context = User.get_preferences(True, {})


def _fresh(record):
    """Return a new instance of the record in the current context: to read it
    again, or to add it to another record's list"""
    return type(record)(record.id)


def _reloaded(records, index):
    "Read records[index] again, keep and return it"
    record = records[index] = _fresh(records[index])
    return record


def _server_write(config, model, ids, values):
    """Write values as the server itself, not as a client: the demo's
    corrections of the history (dates of the past), which the clients
    cannot make on fields that are read-only in the record's state"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(
            config.database_name, config.user, context=config.context):
        Model_ = Pool().get(model)
        Model_.write(Model_.browse(ids), values)


def _local(datetime_, timezone=TIMEZONE):
    "Return the naive UTC datetime of a naive local datetime"
    return datetime_.replace(tzinfo=ZoneInfo(timezone)).astimezone(
        dt.timezone.utc).replace(tzinfo=None)


def _find_or_create(Model_, domain, **values):
    "Return the record of domain, created with values when there is none"
    found = Model_.find(domain)
    if found:
        record, = found
    else:
        record = Model_(**values)
        record.save()
    return record


def _nit(number):
    "Return the NIT with its check digit"
    from stdnum.co import nit
    return number + nit.calc_check_digit(number)


def _new_party(demo, name, subdivision='ATL', city="Barranquilla",
        street=None, postal_code=None, email=None, phone=None, mobile=None,
        nit=None):
    "Return a new party in Colombia who speaks Spanish (not saved)"
    party = demo.model('party.party')(name=name, lang=demo.spanish)
    address, = party.addresses
    address.street = street
    address.city = city
    address.postal_code = postal_code
    address.country = demo.colombia
    address.subdivision = demo.subdivisions[subdivision]
    for type_, value in [
            ('email', email), ('phone', phone), ('mobile', mobile)]:
        if value:
            party.contact_mechanisms.new(type=type_, value=value)
    if nit:
        party.identifiers.new(type='co_vat', code=_nit(nit))
    return party


def _register_crons(demo):
    """Run the scheduled actions of the module for the demo company

    A scheduled action runs once for each of its companies, and for none
    without companies: those of the module are created before the company.
    """
    demo.as_user('admin')
    Cron = demo.model('ir.cron')
    crons = Cron.find([('method', 'in', CRONS)])
    for cron in crons:
        cron.companies.append(_fresh(demo.company))
    Cron.save(crons)


def _send_reminders_yesterday(demo):
    """Send the reminders as the scheduled action did yesterday, as the
    server: a case climbs one escalation level a run, so today's run
    escalates at level 2 the cases escalated at level 1 yesterday"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    config = demo.config
    with Transaction().start(
            config.database_name, config.user, context={
                **config.context, 'company': demo.company.id}):
        Pool().get('customer_care.reminder').send_reminders(
            date=demo.today - dt.timedelta(days=1))


def _run_cron(demo, method):
    "Run the scheduled action of method once, as the administrator"
    demo.as_user('admin')
    cron, = demo.model('ir.cron').find([('method', '=', method)])
    cron.click('run_once')


# --- Company, users and settings ---------------------------------------------

def _new_demo(config, today, verbose):
    "Return the demo to build on today in the new database of config"
    if Model.get('company.company', config=config).find([]):
        raise RuntimeError(
            "The database already has a company: the demo data must be "
            "loaded in a new database.")
    now_local = dt.datetime.now(ZoneInfo(TIMEZONE)).replace(
        tzinfo=None, microsecond=0)
    if today is None:
        today = now_local.date()
    else:
        now_local = dt.datetime.combine(today, now_local.time())
    return Demo(config=config, today=today, now_local=now_local,
        admin_id=config.user, admin_context=config.context, verbose=verbose)


def _setup_language(demo, code, load_translations):
    "Return the language of code, made translatable"
    Lang = demo.model('ir.lang')
    lang, = Lang.find([('code', '=', code)])
    if not lang.translatable:
        if load_translations:
            lang.click('load_translations')
        else:
            # Usable by the users, but untranslated (read-only field)
            Lang._proxy.write(
                [lang.id], {'translatable': True}, demo.config.context)
        lang.reload()
    return lang


def _setup_country(demo):
    "Return Colombia and its subdivisions of SUBDIVISIONS by key"
    colombia = _find_or_create(demo.model('country.country'),
        [('code', '=', 'CO')],
        name="Colombia", code='CO', code3='COL', code_numeric='170')
    Subdivision = demo.model('country.subdivision')
    subdivisions = {}
    for key, (name, code, type_) in SUBDIVISIONS.items():
        subdivisions[key] = _find_or_create(Subdivision,
            [('code', '=', code)],
            country=colombia, name=name, code=code, type=type_)
    return colombia, subdivisions


def _setup_currency(demo):
    "Return the Colombian peso"
    return _find_or_create(demo.model('currency.currency'),
        [('code', '=', 'COP')],
        name="Peso colombiano", code='COP', numeric_code='170',
        symbol='$', rounding=Decimal('0.01'), digits=2)


def _create_company(demo, currency):
    "Create the company in Barranquilla, on Bogotá's time"
    from trytond.modules.company.tests.tools import create_company
    party = _new_party(demo, COMPANY_NAME,
        street="Calle 77B # 57-141, piso 5", postal_code='080020',
        email=f'servicioalcliente@{MAIL_DOMAIN}', phone='+57 605 361 6400',
        nit='900555444')
    party.save()
    create_company(party=party, currency=currency, config=demo.config)
    company, = demo.model('company.company').find([])
    company.timezone = TIMEZONE
    company.save()
    return company


def _create_holidays(demo):
    """Create the company's own holidays that fall on a working day, from
    last year to next year; return the business calendar with them"""
    Holiday = demo.model('customer_care.holiday')
    dates = []
    for year in [demo.today.year - 1, demo.today.year, demo.today.year + 1]:
        for date, name in [
                (dt.date(year, 3, 12), "Aniversario de la empresa"),
                (dt.date(year, 12, 24), "Nochebuena (día de la empresa)"),
                (dt.date(year, 12, 31), "Fin de año (día de la empresa)"),
                ]:
            if date.weekday() < 5:
                Holiday(company=demo.company, date=date, name=name).save()
                dates.append(date)
    return BusinessCalendar(
        country='CO', non_working_days=(5, 6), extra_holidays=dates)


def _new_employee(demo, name, email):
    "Create an employee of the company, at its office"
    party = _new_party(demo, name, street="Calle 77B # 57-141",
        postal_code='080020', email=email)
    party.save()
    employee = demo.model('company.employee')(
        party=party, company=demo.company)
    employee.save()
    return employee


def _create_users(demo):
    "Create the users of USERS with their employee; return both by login"
    User = demo.model('res.user')
    users, employees = {}, {}
    for login, (name, groups, position) in USERS.items():
        email = f'{login}@{MAIL_DOMAIN}'
        employee = _new_employee(demo, name, email)
        user = User(name=name, login=login, email=email,
            language=demo.spanish)
        user.password = PASSWORDS[login]
        user.signature = f"{name}\n{position}\n{COMPANY_NAME}"
        user.companies.append(_fresh(demo.company))
        user.company = demo.company
        user.employees.append(_fresh(employee))
        user.employee = employee
        for fs_id in groups:
            user.groups.append(_group(demo.config, fs_id))
        user.save()
        users[login] = user
        employees[login] = employee
    return users, employees


def _employ_administrator(demo):
    "Make the administrator the system administrator of the company"
    admin = demo.model('res.user')(demo.admin_id)
    employee = _new_employee(
        demo, "Administrador del sistema", f'admin@{MAIL_DOMAIN}')
    admin.employees.append(_fresh(employee))
    admin.employee = employee
    admin.save()


def _create_teams(demo):
    "Create the teams of TEAMS; return them by key"
    Team = demo.model('customer_care.team')
    teams = {}
    for key, name, manager, members, email, method in TEAMS:
        team = Team(name=name, company=demo.company,
            manager=demo.users[manager], email=f'{email}@{MAIL_DOMAIN}',
            assignment_method=method)
        for member in members:
            team.members.append(demo.user(member))
        team.save()
        teams[key] = team
    return teams


def _create_by_code(demo, model, codes):
    "Create the records of model of the (code, name) codes; return by code"
    Model_ = demo.model(model)
    records = {}
    for code, name in codes:
        record = Model_(code=code, name=name)
        record.save()
        records[code] = record
    return records


def _configure(demo):
    "Set the customer care settings: holidays, default team, reminders"
    configuration = demo.model('customer_care.configuration')(1)
    configuration.holiday_country = demo.colombia
    configuration.default_team = demo.teams['service']
    configuration.reminder_days = 2
    configuration.information_days = 5
    # The cases still overdue 2 business days after level 1 are escalated
    # to the coordinator (level 2); no escalation manager: no level 3
    configuration.escalation_coordinator = demo.users['coordinador']
    # The links in the e-mails lead to this demo server
    configuration.web_base_url = (
        f"http://{tconfig.get('web', 'listen') or '127.0.0.1:8000'}/")
    configuration.save()


def _configure_inbox_imap(demo):
    """Give the inbox "Customer care" the settings of an IMAP mailbox, not
    fetched: there is no server behind them in the demo"""
    demo.as_user('admin')
    Inbox = demo.model('inbound.email.inbox')
    inbox = _find_or_create(
        Inbox, [('name', '=', DEMO_INBOX)], name=DEMO_INBOX)
    inbox.imap_fetch = False
    inbox.imap_host = f'imap.{MAIL_DOMAIN}'
    inbox.imap_security = 'ssl'
    inbox.imap_port = 993
    inbox.imap_user = f'pqrs@{MAIL_DOMAIN}'
    inbox.imap_password = 'imap.demo'
    inbox.imap_folder = 'INBOX'
    inbox.imap_registered = 'move'
    inbox.imap_registered_folder = 'Radicados'
    inbox.save()
    return inbox


# --- Customers, services and contracts ---------------------------------------

# The saved regulator layout: the columns of the complaint report of the
# Superintendencia Financiera (header, source, constant); the codes of its
# channels and kinds are examples, the regulator's tables give the real ones
REGULATOR_LAYOUT_COLUMNS = [
    ("Entidad", 'constant', '1-0001'),
    ("Código queja", 'number', None),
    ("Fecha creación", 'received', None),
    ("País", 'customer.country_code', None),
    ("Departamento", 'customer.subdivision_code', None),
    ("Municipio", 'customer.city', None),
    ("Nombres", 'customer.name', None),
    ("Tipo identificación", 'customer.identifier_type', None),
    ("Número identificación", 'customer.identifier_code', None),
    ("Código canal", 'channel', None),
    ("Código producto", 'service.code', None),
    ("Código motivo", 'regulator_classification.code', None),
    ("Tipo", 'kind', None),
    ("Código estado", 'state', None),
    ("Fecha actualización", 'write_date', None),
    ("Fecha cierre", 'closed_date', None),
    # The module does not record in whose favour a complaint was decided
    # (doc/limitations.rst): the column keeps its place, empty
    ("A favor de", 'constant', None),
    ("Prórroga", 'extended', None),
    ]
REGULATOR_LAYOUT_CODES = {
    'channel': [
        ('in_person', '1'), ('phone', '2'), ('email', '3'), ('chat', '4'),
        ('web', '5'), ('social', '6'), ('box', '7'), ('regulator', '8')],
    'kind': [
        ('petition', 'P'), ('complaint', 'Q'), ('claim', 'R'),
        ('suggestion', 'S'), ('compliment', 'F')],
    'customer.identifier_type': [('co_vat', '3')],
    'extended': [('1', 'S'), ('0', 'N')],
    }


def _create_regulator_layout(demo):
    """Save a regulator layout modelled on the complaint report of the
    Superintendencia Financiera, with the code map of channels and kinds"""
    Layout = demo.model('customer_care.regulator.layout')
    layout = Layout(
        name="Superintendencia Financiera: quejas", company=demo.company,
        format='xlsx')
    for sequence, (header, source, constant) in enumerate(
            REGULATOR_LAYOUT_COLUMNS):
        layout.columns.new(
            sequence=sequence, header=header, source=source,
            constant=constant)
    layout.save()
    for column in layout.columns:
        for value, code in REGULATOR_LAYOUT_CODES.get(column.source, []):
            layout.codes.new(column=column, value=value, code=code)
    layout.save()
    return layout


def _create_categories(demo):
    "Create the party categories of CATEGORIES; return them by key"
    Category = demo.model('party.category')
    categories = {}
    for key, name, parent in CATEGORIES:
        category = Category(name=name,
            parent=categories[parent] if parent else None)
        category.save()
        categories[key] = category
    return categories


def _create_customers(demo):
    "Create the customers of CUSTOMERS; return them by key"
    customers = {}
    for key, (name, categories, city, subdivision, street, postal_code,
            manager, email, phone, mobile, nit) in CUSTOMERS.items():
        party = _new_party(demo, name, subdivision, city, street,
            postal_code, email, phone, mobile, nit)
        if key in IDENTITY_CARDS:
            party.identifiers.new(type='co_cc', code=IDENTITY_CARDS[key])
        for category in categories:
            party.categories.append(_fresh(demo.categories[category]))
        if manager:
            party.account_manager = demo.users[manager]
        party.save()
        customers[key] = party
    return customers


def _create_recurrences(demo):
    "Create the monthly and quarterly recurrences; return them by key"
    RuleSet = demo.model('sale.subscription.recurrence.rule.set')
    recurrences = {}
    for key, name, interval in [
            ('monthly', "Mensual", 1), ('quarterly', "Trimestral", 3)]:
        rule_set = RuleSet(name=name)
        rule, = rule_set.rules
        rule.freq = 'monthly'
        rule.interval = interval
        rule_set.save()
        recurrences[key] = rule_set
    return recurrences


def _create_services(demo):
    """Create the services of SERVICES (products with their care contacts)
    and the subscription services of those sold in contracts; return both
    by key"""
    Uom = demo.model('product.uom')
    Template = demo.model('product.template')
    SubscriptionService = demo.model('sale.subscription.service')
    services, subscription_services = {}, {}
    for key, (name, uom, price, contacts, consumption) in SERVICES.items():
        uom, = Uom.find([('symbol', '=', uom)])
        template = Template(name=name, type='service', default_uom=uom,
            list_price=price)
        if hasattr(template, 'salable'):
            template.salable = True
        for login in contacts:
            template.care_contacts.append(demo.user(login))
        template.save()
        product, = template.products
        services[key] = product = _fresh(product)
        if key in CONTRACT_SERVICES:
            service = SubscriptionService(product=product)
            if consumption:
                service.consumption_recurrence = demo.recurrences[
                    consumption]
            service.save()
            subscription_services[key] = service
    return services, subscription_services


def _contract_start(today, state, months):
    """Return the start of a contract in state, the first of the month
    months before today's (the next month's for those not running yet)"""
    start = today.replace(day=1)
    for _ in range(months):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    if state != 'running':
        start = (start + dt.timedelta(days=32)).replace(day=1)
    return start


def _create_contracts(demo):
    "Create the contracts of CONTRACTS in their state; return them by key"
    Subscription = demo.model('sale.subscription')
    contracts = {}
    for key, (customer, description, state, months, lines) in (
            CONTRACTS.items()):
        subscription = Subscription(party=demo.customers[customer])
        subscription.description = description
        subscription.start_date = _contract_start(demo.today, state, months)
        subscription.invoice_recurrence = demo.recurrences['monthly']
        for service, quantity in lines:
            line = subscription.lines.new()
            line.service = demo.subscription_services[service]
            line.quantity = quantity
        subscription.save()
        if state in {'quotation', 'running'}:
            subscription.click('quote')
        if state == 'running':
            subscription.click('run')
        contracts[key] = subscription
    return contracts


def _create_slas(demo):
    "Create the SLAs of SLAS with their targets; return them by key"
    Sla = demo.model('customer_care.sla')
    slas = {}
    for key, (name, target, targets) in SLAS.items():
        sla = Sla(name=name, compliance_target=target)
        for kind, priority, response, response_unit, answer, answer_unit in (
                targets):
            sla.targets.new(
                kind=kind, priority=priority,
                response_duration=response, response_unit=response_unit,
                answer_duration=answer, answer_unit=answer_unit)
        sla.save()
        slas[key] = sla
    return slas


def _agree_slas(demo):
    """Put the contracts of CONTRACT_SLAS under their SLA, with their account
    manager and the frequency and next date of their service reviews"""
    for key, (sla, manager, frequency, days) in CONTRACT_SLAS.items():
        contract = _reloaded(demo.contracts, key)
        contract.sla = _fresh(demo.slas[sla])
        contract.compliance_target = demo.slas[sla].compliance_target
        contract.account_manager = demo.user(manager)
        contract.review_frequency = frequency
        contract.next_review_date = demo.today + dt.timedelta(days=days)
        contract.save()


# --- Routing and satisfaction rules ------------------------------------------

def _create_routing_rules(demo):
    "Create the routing rules of ROUTING_RULES"
    Rule = demo.model('customer_care.routing.rule')
    for sequence, name, conditions, results in ROUTING_RULES:
        rule = Rule(name=name, sequence=sequence, company=demo.company)
        for field, value in conditions.items():
            if field == 'categories':
                for category in value:
                    rule.categories.append(_fresh(demo.categories[category]))
            elif field == 'services':
                for service in value:
                    rule.services.append(_fresh(demo.services[service]))
            else:
                setattr(rule, field, value)
        for field, value in results.items():
            if field == 'team':
                value = demo.teams[value]
            elif field == 'responsible':
                value = demo.users[value]
            setattr(rule, field, value)
        rule.save()


def _create_satisfaction_sample_rule(demo):
    "Create the satisfaction policy: the subsidy claims in a monthly sample"
    rule = demo.model('customer_care.satisfaction.rule')(
        name="Reclamos de subsidios: muestra mensual", sequence=50,
        company=demo.company, method='sample', sample_size=2)
    rule.kinds = ['claim']
    rule.service = demo.services['subsidy']
    rule.save()
    return rule


# --- Cases -------------------------------------------------------------------

def _received(demo, spec):
    """Return the naive UTC datetime the case of spec was received at: hours
    before now, or on the business day ago days before today, at hour"""
    if 'hours' in spec:
        local = demo.now_local - dt.timedelta(hours=spec['hours'])
    else:
        date = demo.calendar.add_days(demo.today, -spec['ago'])
        local = dt.datetime.combine(date, dt.time(spec['hour'], 17))
        if local > demo.now_local:
            local = demo.now_local - dt.timedelta(minutes=30)
    return _local(local)


def _history_quarter(demo, quarters):
    """Return the (first day, last day) of the quarter quarters before the
    last closed one"""
    from trytond.modules.customer_care.models.indicator import (
        last_closed_period)
    day = demo.today
    for _ in range(quarters + 1):
        start, end = last_closed_period(day, 'quarterly')
        day = start
    return start, end


def _history_periods(demo):
    "Yield the (first day, last day) of each quarter of HISTORY"
    for quarters, *counts in HISTORY:
        yield _history_quarter(demo, quarters), counts


def _create_history(demo):
    """Create the closed cases of HISTORY, received on business days spread
    over their quarter, answered (some late) and closed, and the calls that
    verified some complaints and claims; return the cases' ids.

    Written by the server itself in one transaction: they are the records
    of the past, not a user's day (no notifications, no e-mails)."""
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    calendar = demo.calendar
    config = demo.config
    company = demo.company.id
    agent = demo.users['agente'].id
    employee = demo.employees['agente'].id
    coordinator = demo.employees['coordinador'].id
    service = demo.services['billing'].id
    team = demo.teams['service'].id
    customers = [demo.customers[k].id for k in HISTORY_CUSTOMERS]
    ids = []
    with Transaction().start(
            config.database_name, config.user, context={
                **config.context, 'company': company}) as transaction:
        pool = Pool()
        Attempt = pool.get('customer_care.satisfaction.attempt')
        Case = pool.get('customer_care.case')
        Check = pool.get('customer_care.satisfaction.check')
        index = 0
        for (start, end), (count, late, verified, satisfied) in (
                _history_periods(demo)):
            days = _history_days(demo, start, end)
            to_verify = verified
            for number in range(count):
                kind = HISTORY_KINDS[index % len(HISTORY_KINDS)]
                received_day = days[number * len(days) // count]
                received = _local(dt.datetime.combine(
                        received_day, dt.time(8 + index % 9, 10 + index % 40)))
                case, = Case.create([{
                            'company': company,
                            'kind': kind,
                            'petition_kind': (
                                'information' if kind == 'petition' else None),
                            'channel': HISTORY_CHANNELS[
                                index % len(HISTORY_CHANNELS)],
                            'customer': customers[index % len(customers)],
                            'service': service,
                            'subject': HISTORY_SUBJECTS[kind],
                            'description': HISTORY_SUBJECTS[kind] + ".",
                            'received': received,
                            'team': team,
                            'responsible': agent,
                            }])
                term = case.term_duration or 15
                answer_day = calendar.add_days(received_day,
                    term + 2 if number < late else max(1, term // 2))
                answer_date = _local(dt.datetime.combine(
                        answer_day, dt.time(10 + index % 6, 5)))
                closed_date = _local(dt.datetime.combine(
                        calendar.add_days(answer_day, 2), dt.time(16, 30)))
                Case.write([case], {
                        'state': 'closed',
                        'registered_by': employee,
                        'answered_by': employee,
                        'closed_by': coordinator,
                        'answer': "Se dio respuesta de fondo al cliente.",
                        'first_response_date': answer_date,
                        'answer_date': answer_date,
                        'answer_days': calendar.count_days(
                            received_day, answer_day),
                        'on_time': bool(
                            case.deadline and answer_date <= case.deadline),
                        'closed_date': closed_date,
                        })
                if kind in {'complaint', 'claim'} and to_verify:
                    result = ('satisfied'
                        if verified - to_verify < satisfied
                        else 'not_satisfied')
                    to_verify -= 1
                    done_date = _local(dt.datetime.combine(
                            calendar.add_days(answer_day, 3),
                            dt.time(11, 20)))
                    # The call, then its result: the attempts of a
                    # check done cannot change
                    check, = Check.create([{
                                'company': company,
                                'case': case.id,
                                'customer': case.customer.id,
                                'answered': answer_date,
                                }])
                    Attempt.create([{
                                'check': check.id,
                                'date': done_date,
                                'caller': agent,
                                'outcome': result,
                                }])
                    # a customer not satisfied was dealt with: the case
                    # stays closed
                    Check.write([check], {
                            'state': 'done',
                            'result': result,
                            'done_date': done_date,
                            'follow_up': (
                                'closed' if result == 'not_satisfied'
                                else None),
                            })
                ids.append(case.id)
                index += 1
        ids += _create_sla_history(demo, pool)
        _create_action_history(demo, pool)
        transaction.commit()
    return ids


def _history_days(demo, start, end, after=None):
    """Return the business days of start to end (from after), early enough
    for their records to be answered, closed and called before today (25
    business days cover the longest)"""
    calendar = demo.calendar
    return [d for d in (start + dt.timedelta(days=n)
            for n in range((end - start).days + 1))
        if calendar.is_business_day(d) and (after is None or d >= after)
        and calendar.add_days(d, 25) < demo.today]


def _create_sla_history(demo, pool):
    """Create the closed cases of the contracts of HISTORY_SLA in their
    quarters, answered within their SLA's targets or after them; return
    their ids (in the transaction of the history)"""
    Case = pool.get('customer_care.case')
    Contract = pool.get('sale.subscription')
    calendar = demo.calendar
    employee = demo.employees['agente'].id
    coordinator = demo.employees['coordinador'].id
    ids = []
    for quarters, cases in HISTORY_SLA:
        start, end = _history_quarter(demo, quarters)
        for number, (key, kind, late) in enumerate(cases):
            contract = Contract(demo.contracts[key].id)
            days = _history_days(demo, start, end, after=contract.start_date)
            received_day = days[(number + 1) * len(days) // (len(cases) + 1)]
            case, = Case.create([{
                        'company': demo.company.id,
                        'kind': kind,
                        'petition_kind': (
                            'information' if kind == 'petition' else None),
                        'channel': 'email',
                        'customer': contract.party.id,
                        'contract': contract.id,
                        'subject': HISTORY_SLA_SUBJECT,
                        'description': HISTORY_SLA_SUBJECT + ".",
                        'received': _local(dt.datetime.combine(
                                received_day, dt.time(9, 15))),
                        'team': demo.teams['service'].id,
                        'responsible': demo.users['agente'].id,
                        }])
            if late:
                # two business days after the day of the SLA's deadline
                answer_day = calendar.add_days(
                    case.sla_answer_deadline.replace(
                        tzinfo=dt.timezone.utc).astimezone(
                        ZoneInfo(TIMEZONE)).date(), 2)
            else:
                answer_day = calendar.add_days(received_day, 1)
            answer_date = _local(dt.datetime.combine(
                    answer_day, dt.time(10, 40)))
            Case.write([case], {
                    'state': 'closed',
                    'registered_by': employee,
                    'answered_by': employee,
                    'closed_by': coordinator,
                    'answer': "Se atendió la novedad del contrato.",
                    'first_response_date': answer_date,
                    'answer_date': answer_date,
                    'answer_days': calendar.count_days(
                        received_day, answer_day),
                    'on_time': bool(
                        case.deadline and answer_date <= case.deadline),
                    'closed_date': _local(dt.datetime.combine(
                            calendar.add_days(answer_day, 2),
                            dt.time(16, 30))),
                    })
            ids.append(case.id)
    return ids


def _create_action_history(demo, pool):
    """Create the improvement actions of HISTORY_ACTIONS, closed and checked
    in their quarters (in the transaction of the history)"""
    Action = pool.get('customer_care.improvement_action')
    calendar = demo.calendar
    for quarters, results in HISTORY_ACTIONS:
        start, end = _history_quarter(demo, quarters)
        days = _history_days(demo, start, end)
        for number, effectiveness in enumerate(results):
            checked = days[(number + 1) * len(days) // (len(results) + 1)]
            closed = calendar.add_days(checked, -10)
            opened = closed - dt.timedelta(days=45)
            action, = Action.create([{
                        'company': demo.company.id,
                        'kind': 'corrective',
                        'title': HISTORY_ACTION_TITLE,
                        'description': "Revisar los pasos de la respuesta "
                        "a los reclamos de facturación.",
                        'opened': opened,
                        'due_date': closed,
                        'responsible': demo.users['coordinador'].id,
                        }])
            Action.write([action], {
                    'state': 'checked',
                    'closed': closed,
                    'checked': checked,
                    'effectiveness': effectiveness,
                    })


def _reload_cases(demo):
    "Yield the index, spec and case, read again, of each case of CASES"
    for index, spec in enumerate(CASES):
        yield index, spec, _reloaded(demo.cases, index)


def _receive_cases(demo):
    """Create the cases of CASES, each by the user who received it, and
    register those that are not to stay drafts; return them in order"""
    Case = demo.model('customer_care.case')
    cases = []
    for spec in CASES:
        demo.as_user(spec.get('by', 'agente'))
        case = Case()
        case.kind = spec['kind']
        if spec['kind'] == 'petition':
            case.petition_kind = spec['petition_kind']
        case.channel = spec['channel']
        case.received = _received(demo, spec)
        case.customer = demo.user_model('party.party')(
            demo.customers[spec['customer']].id)
        if spec.get('contact'):
            case.contact_name = spec['contact']
        if spec.get('service'):
            case.service = demo.user_model('product.product')(
                demo.services[spec['service']].id)
        if spec.get('contract'):
            case.contract = _fresh(demo.contracts[spec['contract']])
        if spec.get('qa'):
            case.quality_attribute = _fresh(
                demo.quality_attributes[spec['qa']])
        if spec.get('rc'):
            case.regulator_classification = _fresh(
                demo.regulator_classifications[spec['rc']])
        if spec.get('regref'):
            case.regulator_reference = spec['regref']
        case.subject = spec['subject']
        case.description = spec['description']
        if spec.get('priority'):
            case.priority = spec['priority']
            if spec.get('emergency'):
                case.emergency = spec['emergency']
        case.save()
        if spec['state'] != 'draft' and spec.get('cancel') != 'draft':
            case.click('register')
        cases.append(case)
    return cases


WEB_FORM_POLICY = {
    'en': (f"{COMPANY_NAME} processes the personal data "
        "you give on this form only to handle and answer your request, as "
        "Ley 1581 de 2012 and Decreto 1377 de 2013 provide.\n\n"
        "You may know, update, correct and delete your data, and revoke "
        "this consent, by writing to datos.personales@correo.example."),
    'es': (f"{COMPANY_NAME} trata los datos personales "
        "que usted registra en este formulario solo para tramitar y "
        "responder su solicitud, según la Ley 1581 de 2012 y el Decreto "
        "1377 de 2013.\n\n"
        "Usted puede conocer, actualizar, rectificar y suprimir sus datos, "
        "y revocar esta autorización, escribiendo a "
        "datos.personales@correo.example."),
    }
# The requests filed through the web form: the e-mail of a known customer
# with a document the customer does not have (to confirm), and a new one
WEB_FORM_CASES = [{
        'name': "María Fernanda Ospina Díaz",
        'identifier_type': 'co_cc',
        'identifier_code': '32.654.987',
        'email': 'mfospina@correo.example',
        'phone': '+57 300 555 0101',
        'kind': 'claim',
        'subject': "Cobro de reconexión sin suspensión del servicio",
        'description': "En la factura de este mes me cobraron una "
        "reconexión, pero el servicio nunca fue suspendido.\nSolicito el "
        "reintegro del valor cobrado.",
        'consent': True,
        }, {
        'name': "Andrea Carolina Villalba Pertuz",
        'identifier_type': 'co_cc',
        'identifier_code': '1.045.678.321',
        'email': 'andrea.villalba@correo.example',
        'phone': '+57 310 555 0199',
        'kind': 'suggestion',
        'subject': "Horario de atención los sábados",
        'description': "Sería muy útil que la oficina de Soledad atendiera "
        "también los sábados en la mañana.",
        'consent': True,
        }]


def _open_web_form(demo):
    """The administrator publishes the company's web form with its personal
    data policy, in English and Spanish; return its id"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    config = demo.config
    with Transaction().start(
            config.database_name, demo.admin_id,
            context=demo.admin_context) as transaction:
        WebForm = Pool().get('customer_care.configuration.web_form')
        with transaction.set_context(language='en'):
            web_form, = WebForm.create([{
                        'company': demo.company.id,
                        'policy': WEB_FORM_POLICY['en'],
                        }])
        with transaction.set_context(language='es'):
            WebForm.write([web_form], {'policy': WEB_FORM_POLICY['es']})
        transaction.commit()
        return web_form.id


def _file_web_form_cases(demo, web_form_id):
    """File the WEB_FORM_CASES as the web form does, as its user (the form's
    own checks, customer matching, registration and acknowledgement);
    return the cases' ids"""
    from trytond.modules.customer_care import case_form_page
    from trytond.pool import Pool
    from trytond.transaction import Transaction, TransactionError
    config = demo.config
    with Transaction().start(config.database_name, 0, readonly=True):
        WebForm = Pool().get('customer_care.configuration.web_form')
        user_id = WebForm(web_form_id).user.id
    ids = []
    for spec in WEB_FORM_CASES:
        # As trytond's with_transaction: again with the records to lock
        # (the team's assignment) locked from the start
        extras = {}
        while True:
            with Transaction().start(
                    config.database_name, user_id, context={
                        'company': demo.company.id,
                        '_companies': [demo.company.id],
                        'language': 'es',
                        }, **extras) as transaction:
                web_form = Pool().get(
                    'customer_care.configuration.web_form')(web_form_id)
                posted = case_form_page.clean_posted(spec)
                values, errors = case_form_page.parse_form(
                    web_form, posted, [])
                if errors:
                    raise ValueError(errors)
                try:
                    case, _ = case_form_page.file_case(web_form, values)
                except TransactionError as error:
                    transaction.rollback()
                    error.fix(extras)
                    continue
                ids.append(case.id)
                transaction.commit()
            break
    return ids


def _coordinate_cases(demo):
    """The coordinator cancels, analyses, assigns and extends the cases as
    their target state needs"""
    demo.as_user('coordinador')
    for index, spec, case in _reload_cases(demo):
        target = spec['state']
        if spec.get('cancel') in {'draft', 'registered'}:
            case.click('cancel')
            continue
        if target in {'draft', 'registered'}:
            continue
        if spec['kind'] == 'compliment' and target == 'closed':
            continue
        if target in {'forwarding', 'forwarded'}:
            case.click('not_competent')
            continue
        if (target == 'analysis' and not spec.get('reopen')) or spec.get(
                'analyse'):
            case.click('analyse')
        if target == 'analysis' and not spec.get('reopen'):
            continue
        # A member takes the cases of a team that assigns them by hand
        if spec.get('responsible') or not case.responsible:
            if spec.get('responsible'):
                case.responsible = demo.users[spec['responsible']]
            elif case.team and case.team.members:
                case.responsible = case.team.members[0]
            else:
                case.responsible = demo.users[('agente', 'agente2')[index % 2]]
            case.save()
        case.click('assign')
        if spec.get('extend'):
            duration, reason = spec['extend']
            extend = Wizard('customer_care.case.extend', [case])
            extend.form.duration = duration
            extend.form.reason = reason
            extend.execute('extend')


# The organisations competent for petitions the company is not competent
# for: name, e-mail, NIT
ORGANISATIONS = {
    'acueducto': ("Acueducto del Atlántico Demo S.A. E.S.P.",
        'pqrs@acueducto-demo.example', '890100251'),
    }


def _forward_cases(demo):
    """The coordinator forwards to the competent organisation the cases
    their spec forwards; return the organisations by key"""
    organisations = {}
    demo.as_user('admin')
    for key, (name, email, nit) in ORGANISATIONS.items():
        organisation = _new_party(demo, name, email=email, nit=nit)
        organisation.save()
        organisations[key] = organisation
    demo.as_user('coordinador')
    for index, spec, case in _reload_cases(demo):
        if not spec.get('forward'):
            continue
        forward = Wizard('customer_care.case.forward', [case])
        forward.form.organisation = demo.user_model('party.party')(
            organisations[spec['forward']].id)
        forward.execute('forward')
    return organisations


def _cases_by_responsible(demo):
    """Return the indexes of the cases their responsible user (or the agent)
    passes on, asks information for or answers, by login"""
    by_responsible = {}
    for index, spec, case in _reload_cases(demo):
        if case.state in {'assigned', 'analysis', 'registered'} and (
                spec.get('requests') or spec.get('answer')
                or (spec['kind'] == 'compliment'
                    and spec['state'] == 'closed')):
            by_responsible.setdefault(
                case.responsible.login if case.responsible else 'agente',
                []).append(index)
    return by_responsible


def _respond_cases(demo):
    """The responsible users pass on the compliments, ask for the information
    their cases need or answer them"""
    for login, indexes in _cases_by_responsible(demo).items():
        demo.as_user(login)
        for index in indexes:
            spec = CASES[index]
            case = _reloaded(demo.cases, index)
            if spec['kind'] == 'compliment':
                case.click('pass_on')
            elif spec.get('requests'):
                _ask_for_information(demo, case, spec['requests'])
            elif spec.get('answer'):
                case.answer = spec['answer']
                # A verbal petition answered by voice: no e-mail
                case.click('answer_verbally' if spec.get('verbal_answer')
                    else 'respond')


def _ask_customers(demo):
    """The responsible users ask the customers of the incomplete requests to
    complete them; the customer completes one, resumed by hand"""
    for index, spec, case in _reload_cases(demo):
        if not spec.get('ask'):
            continue
        demo.as_user(case.responsible.login if case.responsible else 'agente')
        case = _reloaded(demo.cases, index)
        ask = Wizard('customer_care.case.ask_customer', [case])
        ask.form.request = spec['ask']
        ask.execute('ask')
        if spec.get('resume'):
            case = _reloaded(demo.cases, index)
            case.click('resume_suspension')


def _ask_for_information(demo, case, requests):
    "Ask for the information of requests and let case wait for it"
    for recipient, question, _, days in requests:
        request = case.information_requests.new()
        if recipient.startswith('team:'):
            request.team = demo.teams[recipient[5:]]
        else:
            request.user = demo.users[recipient]
        request.question = question
        request.due_date = demo.calendar.add_days(demo.today, days)
        if request.due_date < case.received.date():
            request.due_date = case.received.date()
    case.save()
    case.click('wait')


def _answer_information_requests(demo):
    "The services answer the information requests that have an answer"
    InformationRequest = demo.user_model(
        'customer_care.case.information_request')
    team_managers = {key: manager for key, _, manager, *_ in TEAMS}
    to_answer = {}
    for index, spec in enumerate(CASES):
        for recipient, question, answer, _ in spec.get('requests', []):
            if answer:
                if recipient.startswith('team:'):
                    login = team_managers[recipient[5:]]
                else:
                    login = recipient
                to_answer.setdefault(login, []).append(
                    (index, question, answer))
    for login, items in to_answer.items():
        demo.as_user(login)
        for index, question, answer in items:
            request, = InformationRequest.find([
                    ('case', '=', demo.cases[index].id),
                    ('question', '=', question),
                    ])
            request.answer = answer
            request.click('answer_request')


def _respond_informed_cases(demo):
    "The responsible users answer the cases once the information came"
    for index, spec, case in _reload_cases(demo):
        if (spec.get('requests') and spec.get('answer')
                and case.state == 'assigned'):
            demo.as_user(case.responsible.login)
            case = _reloaded(demo.cases, index)
            case.answer = spec['answer']
            case.click('respond')


def _call_satisfaction_checks(demo):
    "The agent calls the customers of the satisfaction checks"
    Check = demo.user_model('customer_care.satisfaction.check')
    demo.as_user('agente')
    for index, spec in enumerate(CASES):
        if not spec.get('check'):
            continue
        check, = Check.find([
                ('case', '=', demo.cases[index].id),
                ('state', '=', 'pending'),
                ])
        if spec['check'] == 'not_contacted':
            _call_three_times(demo, check)
        else:
            check.call_notes = spec.get('call_notes')
            check.click(f'call_{spec["check"]}')
        if spec.get('follow_up') == 'closed':
            check.click('close_case')


def _call_three_times(demo, check):
    "Call without reaching the customer once a day on the last three days"
    for days, outcome in [
            (3, 'no_answer'), (2, 'wrong_number'), (1, 'no_answer')]:
        attempt = check.attempts.new()
        attempt.date = _local(dt.datetime.combine(
                demo.calendar.add_days(demo.today, -days),
                dt.time(9 + days, 15)))
        attempt.outcome = outcome
    check.save()
    check.click('process')


def _close_cases(demo):
    "The coordinator cancels, closes and reopens the answered cases"
    demo.as_user('coordinador')
    for index, spec, case in _reload_cases(demo):
        if spec.get('cancel') == 'waiting':
            case.click('cancel')
        elif spec['state'] == 'closed' and case.state == 'answered':
            case.click('close')
        elif spec.get('reopen') and case.state == 'answered':
            case.click('reopen')


def _answer_day(demo, case, received_date, late):
    """Return a plausible day for the answer of case, received on
    received_date: the next day for compliments, after its term when late,
    in the middle of it otherwise, before today"""
    calendar = demo.calendar
    if case.kind == 'compliment':
        answer_day = calendar.add_days(received_date, 1)
    elif late:
        answer_day = calendar.add_days(
            received_date, (case.term_duration or 15) + 3)
    else:
        answer_day = calendar.add_days(
            received_date, max(1, (case.term_duration or 15) // 2))
    return min(answer_day, calendar.add_days(demo.today, -1))


def _backdate_answers(demo):
    """Set the dates of the answered and closed cases received long ago back
    to a plausible past day: they were answered then, not today (written by
    the server itself: the fields are read-only for the clients)"""
    calendar = demo.calendar
    demo.as_user('admin')
    for index, spec, case in _reload_cases(demo):
        if case.state not in {'answered', 'closed'} or spec.get('hours'):
            continue
        received_date = calendar.add_days(demo.today, -spec['ago'])
        answer_day = _answer_day(demo, case, received_date, spec.get('late'))
        if answer_day <= received_date:
            continue
        answer_date = _local(dt.datetime.combine(
                answer_day, dt.time(9 + index % 7, 5 * (index % 12))))
        values = {}
        if case.kind != 'compliment':
            values['answer_date'] = answer_date
            values['answer_days'] = calendar.count_days(
                received_date, answer_day)
            values['on_time'] = bool(
                case.deadline and answer_date <= case.deadline)
        if case.channel == 'regulator':
            values['regulator_uploaded_on'] = calendar.add_days(
                answer_day, 1)
        if case.state == 'closed':
            close_day = max(answer_day, min(calendar.add_days(answer_day, 2),
                    calendar.add_days(demo.today, -1)))
            values['closed_date'] = _local(dt.datetime.combine(
                    close_day, dt.time(16, 30)))
        _server_write(demo.config, 'customer_care.case', [case.id], values)
        if 'answer_date' in values and case.satisfaction_checks:
            _server_write(
                demo.config, 'customer_care.satisfaction.check',
                [c.id for c in case.satisfaction_checks],
                {'answered': values['answer_date']})


def _draw_satisfaction_samples(demo):
    """The coordinator draws the samples of the months the subsidy claims
    were answered in"""
    Case = demo.model('customer_care.case')
    demo.as_user('coordinador')
    months = set()
    for case in Case.find([('satisfaction_rule', '=', demo.sample_rule.id)]):
        months.add(case.answer_date.replace(tzinfo=dt.timezone.utc)
            .astimezone(ZoneInfo(TIMEZONE)).date().replace(day=1))
    for month in sorted(months):
        draw = Wizard('customer_care.satisfaction.sample.draw')
        draw.form.month = month
        draw.execute('draw')
    demo.as_user('admin')


# --- Segments and improvement actions ----------------------------------------

def _create_segments(demo):
    "Create the market segments of SEGMENTS, by the coordinator; by key"
    Segment = demo.model('customer_care.segment')
    demo.as_user('coordinador')
    segments = {}
    for key, name, description, criteria in SEGMENTS:
        segment = Segment(name=name, description=description)
        for category in criteria.get('categories', []):
            segment.categories.append(_fresh(demo.categories[category]))
        for service in criteria.get('services', []):
            segment.services.append(
                _fresh(demo.subscription_services[service]))
        if criteria.get('countries'):
            segment.countries.append(_fresh(demo.colombia))
        segment.cities = criteria.get('cities')
        for party in criteria.get('parties', []):
            segment.parties.append(_fresh(demo.customers[party]))
        segment.save()
        segments[key] = segment
    return segments


def _create_improvement_actions(demo):
    """Create the improvement actions of ACTIONS, from their case or from
    scratch, with their plan, and submit those not to stay drafts; return
    them in order (as the coordinator, who sees them all, reads them)"""
    Action = demo.user_model('customer_care.improvement_action')
    case_by_subject = {spec['subject']: demo.cases[i]
        for i, spec in enumerate(CASES)}
    actions = []
    for spec in ACTIONS:
        demo.as_user(spec.get('by', 'agente'))
        if spec.get('case'):
            action, = _fresh(case_by_subject[spec['case']]).click(
                'create_improvement_action')
        else:
            action = Action(title=spec['title'])
            action.description = spec.get('description')
        action.kind = spec['kind']
        action.opened = demo.calendar.add_days(demo.today, -spec['ago'])
        action.due_date = demo.calendar.add_days(demo.today, spec['due'])
        action.root_cause = spec.get('root_cause')
        action.responsible = demo.user(spec['responsible'])
        if spec.get('segment'):
            action.segment = _fresh(demo.segments[spec['segment']])
        for line_spec in spec['lines']:
            _add_plan_line(demo, action, *line_spec[:-2])
        action.save()
        if spec['state'] != 'draft':
            action.click('wait')
        actions.append(action)
    return [Action(a.id) for a in actions]


def _add_plan_line(demo, action, activity, objective, responsible, channel,
        frequency, budget, indicator, target, due):
    "Add a line to the plan of action, due due business days from today"
    line = action.lines.new()
    line.activity = activity
    line.objective = objective
    if responsible:
        line.responsible = demo.user(responsible)
    line.channel = channel
    line.frequency = frequency
    line.budget = budget
    line.indicator = indicator
    line.target = target
    line.due_date = max(demo.calendar.add_days(demo.today, due),
        action.opened)


def _approve_improvement_actions(demo):
    """The coordinator cancels, approves and rejects the improvement actions
    as their final state needs"""
    demo.as_user('coordinador')
    for index, spec in enumerate(ACTIONS):
        action = _reloaded(demo.actions, index)
        if spec['state'] == 'cancelled':
            action.click('cancel')
            continue
        if spec['state'] in {'draft', 'waiting'}:
            continue
        (action.meets_objective, action.drives_goal, action.channels_fit,
            action.keeps_brand) = spec['answers']
        action.approval_justification = spec.get('justification')
        action.save()
        action.click('reject' if spec['state'] == 'rejected' else 'approve')


def _carry_out_improvement_actions(demo):
    """The responsible users carry out the approved improvement actions:
    the lines of their plan done or cancelled, the actions done"""
    for index, spec in enumerate(ACTIONS):
        if spec['state'] not in {'processing', 'done', 'checked'}:
            continue
        demo.as_user(spec['responsible'])
        action = _reloaded(demo.actions, index)
        action.click('process')
        for line, line_spec in zip(action.lines, spec['lines']):
            state, result = line_spec[-2:]
            if state == 'to_do':
                continue
            line.result = result
            line.save()
            line.click('do' if state == 'done' else 'cancel')
        if spec['state'] in {'done', 'checked'}:
            action = _reloaded(demo.actions, index)
            action.click('do')


def _check_improvement_actions(demo):
    "The coordinator checks the effectiveness of the done actions"
    demo.as_user('coordinador')
    for index, spec in enumerate(ACTIONS):
        if spec['state'] != 'checked':
            continue
        action = _reloaded(demo.actions, index)
        action.effectiveness = spec['effectiveness']
        action.effectiveness_notes = spec['notes']
        action.save()
        action.click('check')
    demo.as_user('admin')


# --- Service reviews and change requests -------------------------------------

def _hold_service_review(demo, key, minutes, commitments):
    """The account manager of contract key held its service review last week:
    prepared, held with its minutes and commitments, and the commitments
    with a result met by their responsible; return the review"""
    Review = demo.model('customer_care.service_review')
    manager = CONTRACT_SLAS[key][1]
    demo.as_user(manager)
    contract = _fresh(demo.contracts[key])
    today = demo.today
    review = Review(contract=contract, date=today - dt.timedelta(days=7))
    review.period_start = today - dt.timedelta(days=75)
    review.period_end = today - dt.timedelta(days=8)
    review.attendee_users.append(demo.user(manager))
    review.attendee_contacts.append(
        demo.model('party.party')(contract.party.id))
    review.agenda = ("1. Indicadores de servicio del periodo\n"
        "2. Casos abiertos\n3. Compromisos anteriores")
    review.activities = "Informe de casos y de cumplimiento del ANS"
    review.save()
    review.click('prepare')
    review.minutes = minutes
    review.agreements = "Revisar de nuevo en la próxima reunión."
    for description, responsible, due_days, result in commitments:
        commitment = review.commitments.new(description=description)
        commitment.responsible = demo.user(responsible)
        commitment.due_date = today + dt.timedelta(days=due_days)
    review.click('hold')
    review = Review(review.id)
    for commitment, (_, responsible, _, result) in zip(
            review.commitments, commitments):
        if result:
            demo.as_user(responsible)
            commitment = demo.user_model(
                'customer_care.service_review.commitment')(commitment.id)
            commitment.result = result
            commitment.click('meet')
    return review


def _register_review_deviation(demo):
    "Register a deviation raised in the meeting with the textile mill"
    demo.as_user('comercial1')
    deviation, = _fresh(demo.reviews[0]).click('register_case')
    deviation = demo.model('customer_care.case')(deviation.id)
    deviation.description = ("En la revisión el cliente reportó caídas de "
        "presión en la ERM durante los cambios de turno.")
    deviation.save()
    deviation.click('register')


def _request_change(demo, key, kind, values, state):
    """The account manager of contract key requests a change of kind with
    values, submitted unless a draft; the coordinator approves and applies
    it when its state is applied"""
    ChangeRequest = demo.model('customer_care.change_request')
    demo.as_user(CONTRACT_SLAS[key][1])
    contract = _fresh(demo.contracts[key])
    request = ChangeRequest(contract=contract, kind=kind)
    request.requested_by = demo.model('party.party')(contract.party.id)
    for name, value in values.items():
        if name == 'new_sla':
            value = _fresh(demo.slas[value])
        elif name == 'service':
            value = _fresh(demo.subscription_services[value])
        setattr(request, name, value)
    request.save()
    if state != 'draft':
        request.click('submit')
    if state == 'applied':
        demo.as_user('coordinador')
        request = ChangeRequest(request.id)
        request.click('approve')
        request.click('apply')


def _requirement_source(demo, customer, source):
    "Return the record of the source (kind, key) of a requirement"
    kind, key = source
    if kind == 'contract':
        return _fresh(demo.contracts[key])
    elif kind == 'review':
        return _fresh(demo.reviews[key])
    elif kind == 'campaign':
        return _fresh(demo.campaigns[key])
    elif kind == 'meeting':
        campaign = demo.model('customer_care.survey.campaign')(
            demo.campaigns[key].id)
        return demo.model('customer_care.survey.meeting')(
            campaign.meetings[0].id)
    case, = [c for c in demo.cases
        if c.subject == key and c.customer.id == customer.id]
    return demo.model('customer_care.case')(case.id)


def _register_requirement(demo, customer_key, source, kind, priority,
        description, by, owner, identified, due, state, text):
    """Register a requirement of the customer from its source as the user
    by, and take it to its state; return it"""
    Requirement = demo.model('customer_care.requirement')
    demo.as_user(by)
    customer = _fresh(demo.customers[customer_key])
    requirement = Requirement()
    requirement.origin = _requirement_source(demo, customer, source)
    requirement.customer = customer
    requirement.kind = kind
    requirement.priority = priority
    requirement.description = description
    requirement.owner = demo.user(owner)
    requirement.identified_date = demo.today + dt.timedelta(days=identified)
    if due is not None:
        requirement.due_date = demo.today + dt.timedelta(days=due)
    if state == 'rejected':
        requirement.rejection_reason = text
    requirement.save()
    if state == 'rejected':
        requirement.click('reject')
    elif state in {'accepted', 'met'}:
        requirement.click('accept')
    if state == 'met':
        demo.as_user(owner)
        requirement = Requirement(requirement.id)
        requirement.fulfilment = text
        requirement.save()
        requirement.click('meet')
    return Requirement(requirement.id)


# --- Satisfaction surveys ----------------------------------------------------

def _create_surveys(demo):
    """Create the questionnaire, a reported campaign with its answers,
    results meeting and improvement action, and a running campaign; return
    both campaigns"""
    Campaign = demo.model('customer_care.survey.campaign')
    rng = random.Random(2026)
    demo.as_user('coordinador')
    questionnaire = _create_questionnaire(demo)
    reported = _report_last_campaign(demo, questionnaire, rng)
    running = _run_current_campaign(demo, questionnaire, rng)
    demo.as_user('admin')
    return [Campaign(reported.id), Campaign(running.id)]


def _create_questionnaire(demo):
    "Create the questionnaire of SURVEY_QUESTIONS"
    questionnaire = demo.model('customer_care.questionnaire')(
        name="Satisfacción del cliente (GC-P-1)")
    # What the customers see instead of the internal name
    questionnaire.title = "Encuesta de satisfacción de Gases del Litoral"
    questionnaire.introduction = (
        "Queremos conocer su opinión sobre nuestro servicio. Responder le "
        "tomará menos de tres minutos.")
    for sequence, (section, text, type_, required, choices) in enumerate(
            SURVEY_QUESTIONS, 1):
        question = questionnaire.questions.new(
            sequence=sequence, section=section, text=text, type=type_,
            required=required)
        for choice in choices:
            question.choices.new(name=choice)
    questionnaire.save()
    return questionnaire


def _start_campaign(demo, questionnaire, name, start, end, contact_by,
        **values):
    """Create the campaign of the customers but the allies, then the
    coordinator draws its participants and runs it; return it"""
    Campaign = demo.model('customer_care.survey.campaign')
    customer_categories = [demo.categories[k].id
        for k in ['residential', 'commercial', 'industrial']]
    # The raw domain is the administrator's (business users pick a
    # segment): only the customers
    demo.as_user('admin')
    campaign = Campaign(name=name, questionnaire=questionnaire)
    campaign.domain = PYSONEncoder().encode(
        [('categories', 'child_of', customer_categories, 'parent')])
    campaign.objective = (
        "Medir la satisfacción de los clientes con el suministro, la "
        "facturación y la atención, según el procedimiento GC-P-1.")
    campaign.start_date = start
    campaign.end_date = end
    campaign.contact_by = contact_by
    campaign.excluded_categories.append(_fresh(demo.categories['ally']))
    for field, value in values.items():
        setattr(campaign, field, value)
    campaign.save()
    demo.as_user('coordinador')
    campaign = Campaign(campaign.id)
    campaign.click('sample')
    campaign.click('run')
    return Campaign(campaign.id)


def _answer_survey(demo, participants, rng):
    "Record the answers of the participants as their account manager"
    Participant = demo.model('customer_care.survey.participant')
    logins = {user.id: login for login, user in demo.users.items()}
    managers = [(p.id, logins.get(
                p.account_manager.id if p.account_manager else None,
                'coordinador')) for p in participants]
    for participant_id, manager in managers:
        demo.as_user(manager)
        participant = Participant(participant_id)
        participant.click('prepare_answers')
        participant = Participant(participant.id)
        rating = rng.choice([2, 3, 4, 4, 4, 5, 5, 5])
        for line in participant.answers:
            question = line.question
            if question.type == 'rating':
                line.value = rating
            elif question.type == 'nps':
                line.value = min(10, max(0, 2 * rating + rng.randint(-2, 0)))
            elif question.type == 'yes_no':
                line.value = int(rating >= 4)
            elif question.type in {'single', 'multiple'}:
                line.choice = rng.choice(question.choices)
            elif question.type == 'text' and rating <= 3:
                line.text = rng.choice(SURVEY_COMMENTS)
        participant.save()
        participant.click('answer')
    demo.as_user('coordinador')


def _report_last_campaign(demo, questionnaire, rng):
    """Run the campaign of the second half of last year, answered by four
    fifths of its participants, closed, discussed in a results meeting and
    reported to the management; return it"""
    year = demo.today.year - 1
    campaign = _start_campaign(demo, questionnaire,
        f"Satisfacción {year}-II", dt.date(year, 7, 1),
        dt.date(year, 12, 15), dt.date(year, 11, 30),
        sampling='all', channels=['manager'])
    participants = list(campaign.participants)
    _answer_survey(
        demo, participants[:max(1, len(participants) * 4 // 5)], rng)
    campaign = _fresh(campaign)
    campaign.click('close')
    _hold_results_meeting(demo, campaign, dt.date(year, 12, 19))
    campaign = _fresh(campaign)
    campaign.click('report')
    return campaign


def _hold_results_meeting(demo, campaign, date):
    "Hold the results meeting of campaign, whose first idea becomes an action"
    meeting = demo.model('customer_care.survey.meeting')(
        campaign=campaign, date=date)
    for login in ['coordinador', 'comercial1', 'comercial2', 'agente']:
        meeting.attendees.append(_fresh(demo.employees[login]))
    meeting.minutes = (
        "Se revisaron los resultados por gerente de cuenta. Los clientes "
        "valoran la atención, pero piden puntualidad en las visitas y una "
        "factura más clara.")
    meeting.ideas.new(
        subject="Confirmar por SMS la hora de cada visita técnica")
    meeting.ideas.new(
        subject="Rediseñar la explicación de subsidios en la factura")
    meeting.save()
    meeting.ideas[0].click('create_action')


def _run_current_campaign(demo, questionnaire, rng):
    """Run the campaign of the first half of this year: the account managers
    call their customers and the others answer the link they received;
    return it"""
    today = demo.today
    campaign = _start_campaign(demo, questionnaire,
        f"Satisfacción {today.year}-I", today - dt.timedelta(days=15),
        today + dt.timedelta(days=45), today + dt.timedelta(days=2),
        sampling='stratified', stratify_by='account_manager',
        confidence='90', margin_error=0.15,
        channels=['manager', 'email'])
    # (the draw is random: those to call first, then some who were e-mailed
    # and answered on the phone instead)
    _answer_survey(demo, sorted(campaign.participants,
            key=lambda p: (p.channel != 'manager', p.id))[:3], rng)
    return campaign



# --- Suggestion boxes ----------------------------------------------------------

# A scanned paper form: a one-page PDF
SCANNED_FORM = (b'%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n'
    b'2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n'
    b'3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n'
    b'trailer<</Root 1 0 R>>\n%%EOF\n')
# box name, site (None: the office), person in charge, rounds
# (business days ago, opened by, witnesses, forms found, forms: (customer,
# kind, subject, description))
SUGGESTION_BOXES = [
    ("Buzón de la recepción", None, 'agente', [
            (1, 'servicio', "Laura Martínez", 2, [
                    ('ospina', 'suggestion',
                        "Ampliar el horario de atención los sábados",
                        "Propone atender los sábados hasta las 2 p. m."),
                    ('mejia', 'compliment',
                        "Felicitación a la cajera del primer piso",
                        "Agradece la amabilidad en la atención."),
                    ]),
            ]),
    # Today's round: three forms found, two registered so far, so it
    # cannot be closed yet
    ("Buzón de la sede norte",
        ("Sede Norte", "Carrera 46 # 90-17", '080020'), 'agente2', [
            (0, 'servicio', None, 3, [
                    ('ospina', 'complaint',
                        "Demora en la fila de la sede norte",
                        "Esperó más de una hora para ser atendida."),
                    ('mejia', 'claim',
                        "Cobro doble en la factura de marzo",
                        "Pide la devolución del valor cobrado dos veces."),
                    ]),
            ]),
    ]


def _collect_suggestion_boxes(demo):
    """Create the suggestion boxes and their collection rounds, the forms
    registered by the agents through the wizard; return the rounds"""
    demo.as_user('admin')
    Box = demo.model('customer_care.suggestion_box')
    Address = demo.model('party.address')
    company_party = _fresh(demo.company).party
    office = company_party.addresses[0]
    boxes = []
    for name, site, responsible, rounds in SUGGESTION_BOXES:
        if site:
            building, street, postal_code = site
            address = Address(party=company_party, building_name=building,
                street=street, city="Barranquilla", postal_code=postal_code,
                country=demo.colombia,
                subdivision=demo.subdivisions['ATL'])
            address.save()
        else:
            address = office
        box = Box(name=name, site=address,
            responsible=demo.users[responsible])
        box.save()
        boxes.append((box, responsible, rounds))
    result = []
    for box, responsible, rounds in boxes:
        demo.as_user(responsible)
        Round = demo.user_model('customer_care.suggestion_box.round')
        for days_ago, opened_by, witnesses, found, forms in rounds:
            round_ = Round(box=box.id,
                date=demo.calendar.add_days(demo.today, -days_ago),
                opened_by=demo.employees[opened_by].id,
                witnesses=witnesses, forms_found=found)
            round_.save()
            for index, (customer, kind, subject, description) in enumerate(
                    forms):
                register = Wizard(
                    'customer_care.suggestion_box.round.register_form',
                    [round_])
                register.form.customer = _fresh(demo.customers[customer])
                register.form.kind = kind
                register.form.subject = subject
                register.form.description = description
                register.form.scan = SCANNED_FORM
                register.form.scan_name = f'formato-{round_.id}-{index + 1}.pdf'
                register.execute('register_')
            round_.reload()
            if round_.forms_found == round_.forms_registered:
                round_.click('close')
            result.append(round_)
    demo.as_user('admin')
    return result


# --- The end -----------------------------------------------------------------

# The e-mails the customer-care inbox receives: a new customer, a known one,
# the known one's reply to their case (into its discussion) and an
# auto-reply that is ignored
DEMO_EMAILS = [
    dict(From="Carolina Restrepo Vargas <carolina.restrepo@correo.example>",
        Subject="Cobro de reconexión sin haber tenido corte",
        body="Buenas tardes:\n\nEn la factura de noviembre me cobraron "
        "una reconexión, pero el servicio nunca fue suspendido. Solicito "
        "que se revise y se descuente ese valor.\n\nCarolina Restrepo\n"
        "Contrato 5501234"),
    dict(From="Carlos Arturo Mejía Polo <carlos.mejia@correo.example>",
        Subject="Olor a gas en el andén frente a mi casa",
        body="Señores Gases del Litoral:\n\nDesde ayer se siente olor a gas "
        "en el andén de la Carrera 19 # 63-15, barrio Hipódromo, Soledad. "
        "Les pido revisar la acometida.\n\nCarlos Mejía"),
    dict(From="Carlos Arturo Mejía Polo <carlos.mejia@correo.example>",
        Subject="RE: {number} Olor a gas en el andén frente a mi casa",
        reply_to_previous=True,
        body="Buenos días:\n\nEl olor sigue esta mañana; estoy en casa "
        "toda la tarde para que el técnico pueda entrar.\n\n"
        "El lun, 30 nov 2026 a las 08:00, Gases del Litoral escribió:\n"
        "> Hemos recibido su solicitud"),
    dict(From="José Luis Barrios Fontalvo <jlbarrios@correo.example>",
        Subject="Respuesta automática: fuera de la oficina",
        headers={'Auto-Submitted': 'auto-replied'},
        body="Estaré fuera de la oficina hasta el lunes."),
    ]


def _receive_emails(demo):
    """Create the customer-care inbox with the rule that registers cases,
    and let it receive DEMO_EMAILS as the HTTP route or the IMAP fetch
    would (the server's processing, not a client's); return the inbox"""
    from email.message import EmailMessage
    from email.utils import format_datetime, make_msgid

    from trytond.pool import Pool
    from trytond.transaction import Transaction, TransactionError

    Inbox = demo.model('inbound.email.inbox')
    Rule = demo.model('inbound.email.rule')
    inbox = Inbox(name=DEMO_INBOX, company=demo.company,
        care_addresses=f'pqrs@{MAIL_DOMAIN}\nservicioalcliente@{MAIL_DOMAIN}')
    inbox.rules.append(Rule(action='customer_care.case|from_inbound_email'))
    inbox.save()

    previous = None
    config = demo.config
    for minutes, spec in enumerate(DEMO_EMAILS):
        msg = EmailMessage()
        msg['From'] = spec['From']
        msg['To'] = f'pqrs@{MAIL_DOMAIN}'
        subject = spec['Subject']
        if spec.get('reply_to_previous'):
            case = demo.model('customer_care.case')(previous)
            subject = subject.format(number=f'[{case.number}]')
            msg['In-Reply-To'] = case.email_message_id
            msg['References'] = case.email_message_id
        msg['Subject'] = subject
        msg['Date'] = format_datetime(_local(
                demo.now_local - dt.timedelta(
                    minutes=10 * (len(DEMO_EMAILS) - minutes))
                ).replace(tzinfo=dt.timezone.utc))
        msg['Message-ID'] = make_msgid(domain='correo.example')
        for name, value in spec.get('headers', {}).items():
            msg[name] = value
        msg.set_content(spec['body'])
        # As the HTTP route does: a transaction per message, started again
        # with the locks a team's assignment asks for
        extras = {}
        while True:
            try:
                with Transaction().start(
                        config.database_name, config.user,
                        context=config.context, **extras):
                    pool = Pool()
                    Email = pool.get('inbound.email')
                    server_inbox = pool.get('inbound.email.inbox')(inbox.id)
                    email_, = Email.from_webhook(
                        server_inbox, msg.as_bytes(), 'raw')
                    server_inbox.process(email_)
                    email_.save()
                    if email_.care_status == 'registered':
                        previous = email_.result.id
                break
            except TransactionError as error:
                error.fix(extras)
    return _fresh(inbox)


def _create_indicators(demo):
    """Create the indicators as the coordinator, then their snapshots of the
    last quarters before today, as the scheduled action would have taken
    them at the end of each (red ones open their improvement action)"""
    from trytond.modules.customer_care.models.indicator import (
        DIRECTIONS, last_closed_period)
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    demo.as_user('coordinador')
    Indicator = demo.model('customer_care.indicator')
    indicators = []
    for code, name, measure, target, amber, red, owner, *filters in (
            INDICATORS):
        indicator = Indicator(
            code=code, name=name, measure=measure, target=target,
            amber_limit=amber, red_limit=red, periodicity='quarterly',
            direction=DIRECTIONS.get(measure, 'higher'),
            owner=demo.user(owner))
        for field, value in (filters[0] if filters else {}).items():
            if field == 'account_manager':
                value = demo.user(value)
            setattr(indicator, field, value)
        indicators.append(indicator)
    Indicator.save(indicators)
    demo.as_user('admin')
    periods = []
    day = demo.today
    for _ in range(INDICATOR_QUARTERS):
        start, end = last_closed_period(day, 'quarterly')
        periods.append((start, end))
        day = start
    config = demo.config
    with Transaction().start(
            config.database_name, config.user, context=config.context):
        Indicator_ = Pool().get('customer_care.indicator')
        Indicator_.snapshot([(i, s, e)
                for i in Indicator_.browse([i.id for i in indicators])
                for s, e in reversed(periods)])
    return indicators


def _prepare_management_review(demo):
    """Create the management review of the last quarter as the
    coordinator, with the conclusions and decisions, and prepare it"""
    demo.as_user('coordinador')
    Review = demo.user_model('customer_care.management_review')
    review = Review()
    review.conclusions = MANAGEMENT_REVIEW_CONCLUSIONS
    review.decisions = MANAGEMENT_REVIEW_DECISIONS
    review.save()
    review.click('prepare')
    demo.as_user('admin')
    return review


def _finish(demo):
    """Spare the administrator the configuration wizard at the first login,
    in Spanish, and act as the administrator again"""
    ConfigItem = demo.model('ir.module.config_wizard.item')
    items = ConfigItem.find([('state', '!=', 'done')])
    for item in items:
        item.state = 'done'
    if items:
        ConfigItem.save(items)
    admin = demo.model('res.user')(demo.admin_id)
    admin.language = demo.spanish
    admin.save()
    _set_user(demo.config, demo.admin_id)


def summary(config):
    "Return the lines that describe the demo data of the database"
    Case = Model.get('customer_care.case', config=config)
    Reminder = Model.get('customer_care.reminder', config=config)
    Notification = Model.get('res.notification', config=config)
    Subscription = Model.get('sale.subscription', config=config)
    Party = Model.get('party.party', config=config)
    Check = Model.get('customer_care.satisfaction.check', config=config)
    Segment = Model.get('customer_care.segment', config=config)
    Action = Model.get('customer_care.improvement_action', config=config)
    cases = Case.find([])
    lines = [
        f"customers: {len(Party.find([('account_manager', '!=', None)]))} "
        f"with account manager, contracts: "
        + ', '.join(f'{s} {n}' for s, n in sorted(
                Counter(s.state for s in Subscription.find([])).items())),
        f"cases: {len(cases)}",
        "  by kind: " + ', '.join(f'{k} {n}' for k, n in sorted(
                Counter(c.kind for c in cases).items())),
        "  by state: " + ', '.join(f'{k} {n}' for k, n in sorted(
                Counter(c.state for c in cases).items())),
        "  open by due status: " + ', '.join(f'{k} {n}' for k, n in sorted(
                Counter(c.due_status for c in cases
                    if c.due_status).items())),
        "satisfaction checks: " + ', '.join(f'{k} {n}' for k, n in sorted(
                Counter(c.result or c.state for c in Check.find([])).items())),
        f"segments: {len(Segment.find([]))}, improvement actions: "
        + ', '.join(f'{k} {n}' for k, n in sorted(
                Counter(a.state for a in Action.find([])).items())),
        f"reminders: {len(Reminder.find([]))}, "
        f"notifications: {len(Notification.find([]))}",
        ]
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Load the customer_care demo data into a new database "
        "where customer_care is activated.")
    parser.add_argument('-c', '--config', dest='config_file',
        help="the trytond configuration file")
    parser.add_argument('-d', '--database', dest='database', required=True,
        help="the database name")
    parser.add_argument('--no-translations', dest='load_translations',
        action='store_false',
        help="do not load the Spanish translations when they are missing")
    parser.add_argument('-q', '--quiet', action='store_true')
    options = parser.parse_args(argv)
    started = time.monotonic()
    config = pconfig.set_trytond(
        database=options.database, config_file=options.config_file)
    create_demo(config, load_translations=options.load_translations,
        verbose=not options.quiet)
    if not options.quiet:
        for line in summary(config):
            print(line)
        print("users (login / password):")
        for login, (name, groups, position) in USERS.items():
            print(f"  {login:12} {PASSWORDS[login]:18} {name}, {position}")
        print(f"demo data loaded in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == '__main__':
    sys.exit(main())
