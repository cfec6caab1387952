import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")

application = get_wsgi_application()

# Load the search's word segmenter and Traditional → Simplified converters here, in
# gunicorn's master (preload_app), so every worker shares their dictionaries instead
# of loading its own on a first search.
from statuscodes.search.normalise import converters  # noqa: E402
from statuscodes.search.words import segmenter  # noqa: E402

segmenter()
converters()
