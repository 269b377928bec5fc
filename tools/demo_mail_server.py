"""The demo database's outgoing mail server: the local mail catcher (``make run``).

Run through ``odoo-bin shell`` by tools/demo_db.sh (``env`` is given by the shell):
an ``ir.mail_server`` on 127.0.0.1:$MAIL_PORT (tools/mail_catcher.py), so that the
demo's notices are sent, not left in the queue as exceptions, and can be read in
.build/mail/. Idempotent; ``make run`` keeps its port in step with MAIL_PORT.
"""

import os

NAME = "Local mail catcher (make run)"

env = globals()["env"]
values = {
    "name": NAME,
    "smtp_host": "127.0.0.1",
    "smtp_port": int(os.environ.get("MAIL_PORT") or 1025),
    "smtp_encryption": "none",
    "smtp_authentication": "login",
    "sequence": 1,
}
server = env["ir.mail_server"].search([("name", "=", NAME)], limit=1)
if server:
    server.write(values)
else:
    env["ir.mail_server"].create(values)
env.cr.commit()
