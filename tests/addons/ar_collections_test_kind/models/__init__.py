from . import ar_collection_action
