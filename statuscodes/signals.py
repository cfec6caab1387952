"""Keep cached pages fresh: the admin, the seed and imports all write entries,
so invalidation hangs off the models rather than any one write path."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import cache
from .models import Annotation, StatusCode


@receiver(post_save, sender=StatusCode)
@receiver(post_delete, sender=StatusCode)
@receiver(post_save, sender=Annotation)
@receiver(post_delete, sender=Annotation)
def invalidate_pages(sender, **kwargs):
    cache.bump()
    # Bump again after commit, so a page rendered from the old rows while the
    # transaction was open is not kept under the new generation.
    transaction.on_commit(cache.bump)
