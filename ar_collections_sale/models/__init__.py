from . import payment_transaction
from . import res_partner
from . import sale_order
from . import sale_order_new_customer_terms
