import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")

application = get_wsgi_application()

# Load the search's word segmenter here, in gunicorn's master (preload_app), so
# every worker shares its dictionary instead of loading its own on a first search.
from statuscodes.search.words import segmenter  # noqa: E402

segmenter()
