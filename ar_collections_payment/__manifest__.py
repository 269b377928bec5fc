{
    "name": "AR Collections - Online payment",
    "summary": "Pay one, several or all overdue invoices online from the "
    "collections portal page",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/ar-collections/ar_collections",
    "author": "ar_collections developers",
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["ar_collections", "account_payment"],
    "data": [
        "views/portal_templates.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "ar_collections_payment/static/tests/tours/*.js",
        ],
    },
    "auto_install": True,
    "installable": True,
}
