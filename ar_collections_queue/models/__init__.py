from . import ar_collection_run
from . import ar_dunning_ladder
