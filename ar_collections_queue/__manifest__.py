{
    "name": "AR Collections - Job Queue",
    "summary": "The daily collections run as queue_job jobs, one per company and "
    "batch of customers, shared by every Odoo server of the database",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/ar-collections/ar_collections",
    "author": "ar_collections developers",
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["ar_collections", "queue_job"],
    "data": [
        "data/queue_job_data.xml",
    ],
    "auto_install": True,
    "installable": True,
}
