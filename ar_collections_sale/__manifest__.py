{
    "name": "AR Collections - Sales",
    "summary": "Credit hold on quotations: no confirmation for customers on hold; "
    "collection status for salespeople",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/ar-collections/ar_collections",
    "author": "ar_collections developers",
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["ar_collections", "sale"],
    "data": [
        "security/ir.model.access.csv",
        "views/sale_order_views.xml",
        "views/res_partner_views.xml",
        "views/res_partner_collections_views.xml",
        "views/sale_portal_templates.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "ar_collections_sale/static/tests/tours/*.js",
        ],
    },
    "auto_install": True,
    "installable": True,
}
