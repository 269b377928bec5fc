from . import ar_collection_exclude_wizard
from . import ar_dunning_preview
