{
    "name": "AR Collections - Inventory",
    "summary": "Goods taken back by collections come back to the warehouse: a return "
    "transfer from the customer when the return of goods is approved",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/ar-collections/ar_collections",
    "author": "ar_collections developers",
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["ar_collections", "stock"],
    "data": [
        "views/ar_goods_return_views.xml",
    ],
    "auto_install": True,
    "installable": True,
}
