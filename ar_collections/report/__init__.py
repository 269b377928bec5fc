from . import ar_collection_ageing
from . import ar_collection_kpi
from . import ar_collection_overview
from . import ar_customer_statement
from . import ar_collection_cost
