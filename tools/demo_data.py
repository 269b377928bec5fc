# ruff: noqa: F821
"""Demo data for ar_collections: customers, invoices and collectors (``make run``).

Run through the Odoo shell, which puts ``env`` in scope and reads the script from
stdin:

    odoo-bin shell -c .build/odoo-ar_demo.conf -d ar_demo --no-http < tools/demo_data.py

Works on a fresh ``--without-demo=all`` database with only account and
ar_collections installed: it loads the generic chart of accounts when the company
has none, creates what it needs (tags, products, collectors, ~40 customers in 9
countries, those of Sweden, Norway, Greece and France in their own language, which
it activates with its translations, ~150 posted invoices due from 90 days ago to 30
days ahead, some fully or partly paid), runs the collections once and commits.
Running it again does nothing.
"""

import logging
import random
from datetime import timedelta

from odoo import Command, fields

_logger = logging.getLogger("ar_collections.demo_data")
rng = random.Random(20250401)
today = fields.Date.context_today(env.user)
company = env.company
REF_PREFIX = "ARDEMO-"

# country | company | city | e-mail domain | contact person
CUSTOMERS_TABLE = """
SE | Nordvik Trä AB | Sundsvall | nordviktra.example | Anna Lindqvist
SE | Göta Kanal Logistik AB | Göteborg | gotalogistik.example | Erik Sjöberg
SE | Malmö Kaffe & Co AB | Malmö | malmokaffe.example | Sara Nyström
SE | Uppsala Labbteknik AB | Uppsala | labbteknik.example | Johan Berg
SE | Kiruna Gruvservice AB | Kiruna | gruvservice.example | Lars Holm
NO | Fjordlys AS | Bergen | fjordlys.example | Ingrid Dahl
NO | Trondheim Marin AS | Trondheim | trdmarin.example | Ole Haugen
NO | Nordkapp Fiskeeksport AS | Tromsø | nordkappfisk.example | Kari Solberg
NO | Oslo Byggvare AS | Oslo | oslobygg.example | Magnus Berntsen
FR | Boulangerie Lefèvre SARL | Lyon | lefevre.example | Claire Lefèvre
FR | Ateliers Moreau SAS | Nantes | ateliersmoreau.example | Julien Moreau
FR | Vins du Rhône SA | Avignon | vinsdurhone.example | Isabelle Roux
FR | Transports Girard | Lille | girard-transports.example | Paul Girard
FR | Pharmacie Centrale Bordeaux | Bordeaux | pharmabdx.example | Léa Martin
GR | Aegean Logistics S.A. | Piraeus | aegeanlog.example | Nikos Papadopoulos
GR | Olympus Olive Oil | Kalamata | olympusoil.example | Eleni Georgiou
GR | Thessaloniki Textiles | Thessaloniki | thesstex.example | Dimitris Kostas
GR | Cretan Marble Works | Heraklion | cretanmarble.example | Maria Vlachou
DE | Müller Maschinenbau GmbH | Stuttgart | mueller-mb.example | Jonas Müller
DE | Hansa Handelskontor GmbH | Hamburg | hansahandel.example | Katrin Vogel
DE | Bayerische Brauhaus AG | München | brauhaus.example | Thomas Huber
DE | Rhein Chemie Service GmbH | Köln | rheinchemie.example | Sabine Krause
DE | Berliner Softwarehaus | Berlin | bswh.example | Felix Schulz
BE | Brussels Consulting Group | Bruxelles | bcg-be.example | Sophie Peeters
BE | Antwerp Diamond Tools NV | Antwerpen | adtools.example | Pieter Janssens
BE | Chocolaterie Dubois | Liège | dubois-choc.example | Marc Dubois
NL | Van Dijk Bloemen BV | Aalsmeer | vandijkbloemen.example | Femke van Dijk
NL | Rotterdam Havenservice BV | Rotterdam | havenservice.example | Daan de Vries
NL | Utrecht Fietsen | Utrecht | utrechtfietsen.example | Sanne Bakker
NL | Eindhoven Optics BV | Eindhoven | ehvoptics.example | Lucas Visser
GB | Thames Valley Engineering Ltd | Reading | tvengineering.example | Oliver Smith
GB | Highland Whisky Traders Ltd | Inverness | highlandwt.example | Fiona Campbell
GB | Manchester Print Works | Manchester | mcrprint.example | George Taylor
GB | Cornish Tin & Copper Ltd | Truro | cornishtin.example | Emily Penrose
US | Lakeside Hardware Inc. | Chicago | lakesidehw.example | Michael Johnson
US | Golden Gate Analytics LLC | San Francisco | gganalytics.example | Jessica Lee
US | Lone Star Fabrication | Austin | lonestarfab.example | Robert Garcia
US | Empire State Office Supply | New York | esos.example | Ashley Brown
US | Rocky Mountain Outfitters | Denver | rmoutfitters.example | Daniel Miller
US | Peachtree Medical Devices | Atlanta | peachtreemed.example | Sarah Davis
"""
CUSTOMERS = [
    tuple(field.strip() for field in line.split("|"))
    for line in CUSTOMERS_TABLE.strip().splitlines()
]
# the customers of these countries speak (and get their notices in) their language
LANG_BY_COUNTRY = {"SE": "sv_SE", "NO": "nb_NO", "GR": "el_GR", "FR": "fr_FR"}
# customers without the B2B tag (they fall to the company's fallback ladder)
NOT_B2B = {
    "Utrecht Fietsen",
    "Rocky Mountain Outfitters",
    "Chocolaterie Dubois",
    "Boulangerie Lefèvre SARL",
    "Malmö Kaffe & Co AB",
}


def ensure_accounting():
    if not company.chart_template:
        _logger.info("loading the generic chart of accounts")
        env["account.chart.template"].try_loading(
            "generic_coa", company=company, install_demo=False
        )
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    if not journal:
        journal = env["account.journal"].create(
            {
                "name": "Customer Invoices",
                "code": "INV",
                "type": "sale",
                "company_id": company.id,
            }
        )
    bank = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
    )
    if not bank:
        bank = env["account.journal"].create(
            {"name": "Bank", "code": "BNK1", "type": "bank", "company_id": company.id}
        )
    return journal, bank


def payment_terms():
    immediate = env.ref("account.account_payment_term_immediate", False)
    if not immediate:
        immediate = env["account.payment.term"].create(
            {
                "name": "Immediate Payment",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 100, "nb_days": 0}
                    )
                ],
            }
        )
    days30 = env.ref("account.account_payment_term_30days", False)
    if not days30:
        days30 = env["account.payment.term"].create(
            {
                "name": "30 Days",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 100, "nb_days": 30}
                    )
                ],
            }
        )
    return immediate, days30


def products():
    Product = env["product.product"]
    specs = [
        ("AR-CONSULT", "Consulting (day)", 950.0, "service"),
        ("AR-SUPPORT", "Annual support subscription", 4800.0, "service"),
        ("AR-PARTS", "Spare parts kit", 260.0, "consu"),
    ]
    result = Product
    for code, name, price, kind in specs:
        product = Product.search([("default_code", "=", code)], limit=1)
        if not product:
            product = Product.create(
                {"name": name, "default_code": code, "list_price": price, "type": kind}
            )
        result |= product
    return result


def collectors():
    group = env.ref("ar_collections.group_collections_user")
    users = env["res.users"]
    for login, name in (
        ("collector1", "Carla Collector"),
        ("collector2", "Colin Collector"),
    ):
        user = users.search([("login", "=", login)], limit=1)
        if not user:
            user = users.with_context(no_reset_password=True).create(
                {
                    "name": name,
                    "login": login,
                    "password": login,
                    "email": f"{login}@main-company.example",
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [Command.link(group.id)],
                }
            )
        users |= user
    return users


def languages():
    """Activate the customers' languages and load their translations."""
    codes = sorted(LANG_BY_COUNTRY.values())
    for code in codes:
        env["res.lang"]._activate_lang(code)
    env["ir.module.module"].search([("state", "=", "installed")])._update_translations(
        filter_lang=codes
    )


def customers(tag, collector_users):
    Partner = env["res.partner"]
    partners = Partner
    has_collector = "collector_id" in Partner._fields
    for i, (code, name, city, domain, contact) in enumerate(CUSTOMERS, start=1):
        lang = LANG_BY_COUNTRY.get(code, "en_US")
        vals = {
            "lang": lang,
            "name": name,
            "is_company": True,
            "ref": f"{REF_PREFIX}{i:03d}",
            "country_id": env["res.country"].search([("code", "=", code)]).id,
            "city": city,
            "email": f"accounts@{domain}",
            "phone": f"+{rng.randint(10, 99)} {rng.randint(100, 999)} "
            f"{rng.randint(1000, 9999)}",
            "customer_rank": 1,
            "category_id": [] if name in NOT_B2B else [Command.link(tag.id)],
            "child_ids": [
                Command.create(
                    {
                        "name": contact,
                        "type": "contact",
                        "lang": lang,
                        "function": "Accounts payable",
                        "email": f"{contact.split()[0].lower()}@{domain}",
                    }
                ),
                Command.create(
                    {
                        "type": "invoice",
                        "lang": lang,
                        "name": "Accounts payable",
                        "email": f"invoices@{domain}",
                    }
                ),
            ],
        }
        if has_collector:
            vals["collector_id"] = collector_users[i % len(collector_users)].id
        partners |= Partner.create(vals)
    return partners


def invoices(partners, journal, terms, product_list):
    immediate, days30 = terms
    vals_list = []
    for partner in partners:
        for _n in range(rng.randint(2, 6)):
            due_offset = rng.randint(-90, 30)  # due date relative to today
            term = days30 if due_offset > 0 or rng.random() < 0.6 else immediate
            term_days = 30 if term == days30 else 0
            invoice_date = today + timedelta(days=due_offset - term_days)
            product = rng.choice(product_list)
            target = rng.choice(
                [
                    rng.uniform(50, 1000),
                    rng.uniform(500, 5000),
                    rng.uniform(2000, 20000),
                ]
            )
            quantity = max(1, round(target / product.list_price))
            price_unit = round(target / quantity, 2)
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "journal_id": journal.id,
                    "invoice_date": invoice_date,
                    "invoice_payment_term_id": term.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "quantity": quantity,
                                "price_unit": price_unit,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
    moves = env["account.move"].create(vals_list)
    moves.action_post()
    return moves


def payments(moves, bank):
    moves = moves.sorted("id")
    shuffled = list(moves)
    rng.shuffle(shuffled)
    n_full = round(len(shuffled) * 0.2)
    n_part = round(len(shuffled) * 0.1)
    for index, move in enumerate(shuffled[: n_full + n_part]):
        full = index < n_full
        amount = (
            move.amount_residual
            if full
            else round(move.amount_residual * rng.uniform(0.2, 0.7), 2)
        )
        pay_date = min(
            today, move.invoice_date_due + timedelta(days=rng.randint(-10, 20))
        )
        pay_date = max(pay_date, move.invoice_date)
        wizard = (
            env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create(
                {
                    "payment_date": pay_date,
                    "journal_id": bank.id,
                    "amount": amount,
                    "payment_difference_handling": "open",
                }
            )
        )
        wizard._create_payments()
    return n_full, n_part


def main():
    if env["res.partner"].search_count([("ref", "=like", f"{REF_PREFIX}%")]):
        print("demo data already loaded: nothing to do")
        return
    journal, bank = ensure_accounting()
    terms = payment_terms()
    product_list = list(products())
    tag = env["res.partner.category"].search([("name", "=", "B2B")], limit=1)
    if not tag:
        tag = env["res.partner.category"].create({"name": "B2B"})
    collector_users = collectors()
    languages()
    partners = customers(tag, collector_users)
    moves = invoices(partners, journal, terms, product_list)
    n_full, n_part = payments(moves, bank)
    env.flush_all()
    print(
        f"demo data: {len(partners)} customers, {len(moves)} posted invoices "
        f"({n_full} paid, {n_part} partly paid), collectors "
        f"{', '.join(collector_users.mapped('login'))}"
    )
    result = env["ar.dunning.ladder"].run_collections()
    print(f"collections run: {result}")
    env.cr.commit()


main()
env.cr.commit()
