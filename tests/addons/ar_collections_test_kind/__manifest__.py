{
    "name": "AR Collections: test action kind",
    "summary": "Test addon: registers a ladder action kind from outside ar_collections",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "author": "ar_collections contributors",
    "depends": ["ar_collections"],
    "data": [],
    "installable": True,
}
