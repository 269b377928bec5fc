from . import ar_collection_run
